import Foundation

extension CostAccount {
    /// Serves one Web API request under the cost model: the execution-time limit at arrival, then the
    /// handler, then the rest of the server time the request costs is slept before the answer goes out —
    /// a `$batch`'s parts one after another (research/dataverse-costs.md §6.1 rule 4), requests side by
    /// side up to the concurrency limit (`ServiceProtection`), every time multiplied by the contention
    /// factor when more requests than the dop hint are in flight.
    ///
    /// The handler's own time is part of the charge, not added to it: Dataverse's service time includes
    /// its processing, and the embedded environment's work (decoding a `$batch` of a hundred records and
    /// their note bodies, writing them to SQLite: tens to hundreds of milliseconds on a loaded 2-core
    /// machine) stands in for it. Sleeping the whole charge after that work made every request slower
    /// than the model says (issue 20: wall ÷ floor counted the server's CPU against the client). A
    /// handler slower than its charge answers when it is done; the account books the model's time either way.
    /// Every answer carries `x-ms-ratelimit-time-remaining-xrm-requests` (`1,200.00` format, §1.4).
    func serve(_ request: WebRequest, handler: WebAPIHandler, handle: () async -> WebResponse) async -> WebResponse {
        if let throttled = arrive() {
            var r = WebResponse.error(throttled)
            r.headers.append(("x-ms-ratelimit-time-remaining-xrm-requests", Self.remainingText(timeRemainingSeconds())))
            return r
        }
        let factor = contention()
        let started = Self.now()
        var response = await handle()
        let parts: [WebRequest]? =
            request.path.hasPrefix("$batch") && request.method == "POST"
            ? ((try? handler.parseBatch(request)) ?? []).flatMap { item -> [WebRequest] in
                switch item {
                case .single(let op): return [op.request]
                case .changeSet(let ops): return ops.map(\.request)
                }
            }
            : nil
        let charge = CostCharge.of(request, response: response, parts: parts, model: model)
        let charged = charge.milliseconds * factor
        let left = Self.sleepMilliseconds(charged: charged, spentSeconds: Self.now() - started)
        if left > 0 { try? await Task.sleep(nanoseconds: UInt64(left * 1_000_000)) }
        depart(charge, charged: charged)
        response.headers.append(("x-ms-ratelimit-time-remaining-xrm-requests", Self.remainingText(timeRemainingSeconds())))
        return response
    }

    /// What is left to sleep of a request's `charged` milliseconds after the handler (and the reading of
    /// the charge) took `spentSeconds`: never below 0.
    static func sleepMilliseconds(charged: Double, spentSeconds: Double) -> Double {
        max(0, charged - spentSeconds * 1000)
    }

    /// `1,200.00`: seconds with comma grouping and two decimals.
    static func remainingText(_ seconds: Double) -> String {
        let whole = Int(seconds)
        let cents = Int(((seconds - Double(whole)) * 100).rounded(.down))
        return grouped(whole) + "." + (cents < 10 ? "0" : "") + String(cents)
    }

    /// The answer of `CostAccount.endpointPath`: GET the account as JSON, DELETE resets it.
    func endpoint(method: String) -> WebResponse {
        switch method {
        case "GET":
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys]
            let data = (try? encoder.encode(snapshot())) ?? Data("{}".utf8)
            return WebResponse(status: 200, headers: [("Content-Type", "application/json")], body: data)
        case "DELETE":
            reset()
            return WebResponse(status: 204)
        default:
            return .error(ODataError(status: 405, code: "0x80060888", message: "The cost account answers GET and DELETE."))
        }
    }
}
