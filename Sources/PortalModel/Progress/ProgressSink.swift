import Foundation

/// Where progress events go: a function called from any task, which must return quickly (the CLI's
/// renderers update counters under a lock and draw on their own timer).
///
/// The sink travels with the task as a task-local value (`ProgressSink.current`), the way swift-log's
/// metadata and swift-distributed-tracing's context do: the command installs it once around its run,
/// and every reader, the engine and the Web API client emit into it with `ProgressSink.emit(_:)`,
/// including from child tasks (task groups inherit task-local values). Without a sink, emitting costs
/// one task-local lookup and builds no event.
///
/// Example:
/// ```swift
/// let sink = ProgressSink { event in print(event) }
/// try await ProgressSink.$current.withValue(sink) {
///     _ = try await SnapshotReader(service: env).read(websiteID: site)   // emits .tablesRead(…)
/// }
/// ```
public struct ProgressSink: Sendable {
    private let receive: @Sendable (ProgressEvent) -> Void

    /// - Parameter receive: called once per event, from whichever task emits it (concurrently).
    public init(_ receive: @escaping @Sendable (ProgressEvent) -> Void) {
        self.receive = receive
    }

    /// Hands `event` to the sink.
    public func callAsFunction(_ event: ProgressEvent) { receive(event) }

    /// The sink of the current task, `nil` when nobody listens.
    @TaskLocal public static var current: ProgressSink?

    /// True when the current task has a sink (the Web API client then reports throttling waits as
    /// events instead of warning lines).
    public static var isListening: Bool { current != nil }

    /// Emits `event` to the current task's sink; the event is only built when a sink listens.
    public static func emit(_ event: @autoclosure () -> ProgressEvent) {
        if let sink = current { sink(event()) }
    }
}
