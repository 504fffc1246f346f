import Foundation
import PortalModel

extension EnhancedModelService: SendingAdvice {
    /// What the base environment advises (the enhanced model's view sends through it).
    public nonisolated func recommendedParallelism() async -> Int? {
        await (base as? any SendingAdvice)?.recommendedParallelism()
    }

    public nonisolated func noteSendingChoice(_ line: String) {
        (base as? any SendingAdvice)?.noteSendingChoice(line)
    }
}
