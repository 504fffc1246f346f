import Foundation
import PortalModel

/// A failure of a Power Pages admin API call: what was asked, the HTTP status, the service's error
/// `code` and `message` (envelope `{"error":{"code","message",…}}`, research/code-sites-and-admin-api.md
/// §B.5), and `advice`: what to do next for the documented failures.
///
/// Documented failures ([V-code] Microsoft's activate-site skill, [V-docs] the reference): 400
/// `SubdomainConflict`, 401 (token expired or for another audience), 403 (missing role; service
/// principals are not available), 404 (unknown site, website record or environment), 409 (the website
/// record already has a site), 429/5xx (retry later). Exact codes and messages of a real tenant are
/// open (§E 2); the advice is chosen by status and, where known, by code.
public struct PowerPagesAdminError: Error, Sendable, CustomStringConvertible {
    /// What was being done (`create the site`, `list sites`, …).
    public var action: String
    /// 0 when no answer came (then `message` says why).
    public var status: Int
    public var code: String
    public var message: String
    /// True when the token came from client credentials (a service principal).
    public var servicePrincipal: Bool

    public init(action: String, status: Int, code: String, message: String, servicePrincipal: Bool = false) {
        self.action = action
        self.status = status
        self.code = code
        self.message = message
        self.servicePrincipal = servicePrincipal
    }

    /// Reads the error envelope of a non-2xx answer.
    public init(action: String, response: HTTPResponseMessage, servicePrincipal: Bool = false) {
        var code = "", message = ""
        if let json = try? JSONValue.parse(response.body) {
            code = json["error"]?["code"]?.stringValue ?? json["code"]?.stringValue ?? ""
            message = json["error"]?["message"]?.stringValue ?? json["message"]?.stringValue ?? ""
        }
        if message.isEmpty {
            let text = String(decoding: response.body.prefix(300), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            message = text.isEmpty ? HTTPReasonPhrase.of(response.status) : text
        }
        self.init(action: action, status: response.status, code: code, message: message, servicePrincipal: servicePrincipal)
    }

    /// What to do next, `nil` when nothing specific is known.
    public var advice: String? {
        switch (status, code.lowercased()) {
        case (400, "subdomainconflict"):
            return "the subdomain is a web address shared by every tenant: choose another --subdomain"
        case (400, "invalidsubdomain"):
            return "--subdomain takes 2 to 63 lower-case letters, digits or hyphens, not starting or ending with a hyphen"
        case (400, "invalidtemplatename"), (400, "templatenotavailable"):
            return "pass one of the template names listed (`portal-migrate site create --help` lists the documented ones)"
        case (400, "languagenotavailable"):
            return "pass --language with a language the environment has (its base language)"
        case (401, _):
            return
                "the admin API needs a user's token for its own audience: sign in again (`portal-migrate auth create --deviceCode …`), or pass --admin-token-env VAR holding a token for the admin API"
        case (403, "serviceprincipalnotsupported"):
            return Self.servicePrincipalAdvice
        case (403, _) where servicePrincipal:
            return Self.servicePrincipalAdvice
        case (403, _):
            return "the signed-in user needs the 'Power Pages site creator' role or System Administrator in the environment"
        case (404, "websiterecordnotfound"):
            return "no website record has that id in the environment: `portal-migrate list --environment ENV` shows the website records"
        case (404, "environmentnotfound"):
            return "check --environment-id: the Power Platform environment id (`pac auth who` shows it as 'Environment ID')"
        case (404, _):
            return "`portal-migrate site list --environment ENV` shows the sites and their ids"
        case (409, "operationinprogress"):
            return "wait for the running operation to finish (`portal-migrate site list` shows its status), then run this again"
        case (409, _):
            return
                "the website record already has a site (`portal-migrate site list`); delete that site first with `portal-migrate site delete` to make another"
        case (429, _), (500..., _):
            return "the service is busy or failed; nothing was changed by this request: run the command again later"
        default:
            return nil
        }
    }

    /// The documented position on service principals and what works instead (research §B.6, [V-docs]).
    public static let servicePrincipalAdvice =
        "the Power Pages admin API does not accept service principals (Microsoft's docs: \"the service principal flow isn't currently available\"); use a user's sign-in: an auth profile made with `portal-migrate auth create --deviceCode`, or --admin-token-env VAR with a user token (for example from `az account get-access-token --resource https://api.powerplatform.com`)"

    public var description: String {
        let message = self.message.hasSuffix(".") ? String(self.message.dropLast()) : self.message
        let head =
            status == 0
            ? "cannot \(action): \(message)"
            : "cannot \(action): the admin API answered HTTP \(status)\(code.isEmpty ? "" : " \(code)"): \(message)"
        return CredentialRedaction.redact(head + (advice.map { ". What to do: \($0)" } ?? ""))
    }
}

/// A long-running operation that ended `failed`, or did not end in the time allowed.
public struct AdminOperationFailure: Error, Sendable, CustomStringConvertible {
    public var action: String
    public var state: AdminOperationState?
    /// The operation's URL, for a later look (`--no-wait` users poll it themselves).
    public var location: URL
    public var timedOut: Bool

    public init(action: String, state: AdminOperationState?, location: URL, timedOut: Bool) {
        self.action = action
        self.state = state
        self.location = location
        self.timedOut = timedOut
    }

    public var description: String {
        if timedOut {
            return
                "\(action) is still running after the time allowed (last status \(state?.status ?? "unknown")); it may still finish: `portal-migrate site list` shows its status (operation: \(location.absoluteString))"
        }
        let detail = [state?.errorCode, state?.errorMessage].compactMap { $0 }.joined(separator: ": ")
        return "\(action) failed after it started (status \(state?.status ?? "unknown"))\(detail.isEmpty ? "" : ": \(detail)")"
    }
}
