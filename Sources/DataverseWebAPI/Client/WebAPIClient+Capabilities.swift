import Foundation
import PortalModel

extension WebAPIClient {
    /// The environment this client talks to (`Configuration.environmentURL`): what a caller holding
    /// `any DataverseService` names in messages instead of downcasting (issue 19).
    public var environmentURL: URL? { configuration.environmentURL }
}
