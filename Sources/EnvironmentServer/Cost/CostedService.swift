import Foundation

extension CostAccount {
    /// Serves one Web API request under the cost model: the execution-time limit at arrival, then the
    /// handler (which runs in microseconds), then the server time the request costs is slept before the
    /// answer goes out — a `$batch`'s parts one after another (research/dataverse-costs.md §6.1 rule 4),
    /// requests side by side up to the concurrency limit (`ServiceProtection`), every time multiplied
    /// by the contention factor when more requests than the dop hint are in flight.
    /// Every answer carries `x-ms-ratelimit-time-remaining-xrm-requests` (`1,200.00` format, §1.4).
    func serve(_ request: WebRequest, handler: WebAPIHandler, handle: () async -> WebResponse) async -> WebResponse {
        if let throttled = arrive() {
            var r = WebResponse.error(throttled)
            r.headers.append(("x-ms-ratelimit-time-remaining-xrm-requests", Self.remainingText(timeRemainingSeconds())))
            return r
        }
        let factor = contention()
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
        if charged > 0 { try? await Task.sleep(nanoseconds: UInt64(charged * 1_000_000)) }
        depart(charge, charged: charged)
        response.headers.append(("x-ms-ratelimit-time-remaining-xrm-requests", Self.remainingText(timeRemainingSeconds())))
        return response
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
