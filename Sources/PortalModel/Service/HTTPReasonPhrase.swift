/// The standard reason phrases of the HTTP statuses the Web API and the embedded server use (RFC 9110
/// §15): the server's `$batch` response parts (`HTTP/1.1 404 Not Found`) and the client's error message
/// when an error answer has no body. One table for both sides.
public enum HTTPReasonPhrase {
    /// The reason phrase of `status`, e.g. "Not Found" for 404; "Status N" for a status not in the table.
    public static func of(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 201: return "Created"
        case 204: return "No Content"
        case 206: return "Partial Content"
        case 304: return "Not Modified"
        case 400: return "Bad Request"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 405: return "Method Not Allowed"
        case 412: return "Precondition Failed"
        case 413: return "Payload Too Large"
        case 429: return "Too Many Requests"
        case 500: return "Internal Server Error"
        case 501: return "Not Implemented"
        case 502: return "Bad Gateway"
        case 503: return "Service Unavailable"
        case 504: return "Gateway Timeout"
        default: return "Status \(status)"
        }
    }
}
