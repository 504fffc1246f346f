import Foundation
import LocalEnvironment
import PortalModel

/// A change to an embedded environment's organization row and emulated platform behaviours (`env
/// settings`); every field left `nil` or empty stays as it is.
public struct LocalSettingsChange: Sendable, Hashable {
    /// The base language LCID.
    public var languageCode: Int?
    /// Blocked extensions as typed, separated by `;` (`OrganizationInfo.parseBlockedAttachments`); empty for none.
    public var blockedAttachments: String?
    /// The largest attachment in bytes.
    public var maxUploadFileSize: Int?
    /// Behaviours to switch on.
    public var enable: [PlatformBehaviour]
    /// Behaviours to switch off; a behaviour in both lists ends off.
    public var disable: [PlatformBehaviour]
    /// Record ids whose delete fails as a plug-in refusing it (replacing the list); `nil`: unchanged.
    public var refusedDeletes: Set<UUID>?

    public init(
        languageCode: Int? = nil, blockedAttachments: String? = nil, maxUploadFileSize: Int? = nil, enable: [PlatformBehaviour] = [],
        disable: [PlatformBehaviour] = [], refusedDeletes: Set<UUID>? = nil
    ) {
        self.languageCode = languageCode
        self.blockedAttachments = blockedAttachments
        self.maxUploadFileSize = maxUploadFileSize
        self.enable = enable
        self.disable = disable
        self.refusedDeletes = refusedDeletes
    }

    /// Behaviour ids as typed, comma-separated (`E4,c1`; any case, spaces around ids ignored); `nil`
    /// or empty: none.
    /// - Throws: `EnvironmentsError.invalidOption` (usage) naming an unknown id and the known ones.
    public static func behaviours(_ text: String?) throws -> [PlatformBehaviour] {
        try (text ?? "").split(separator: ",").map { part in
            let id = part.trimmingCharacters(in: .whitespaces).uppercased()
            guard let b = PlatformBehaviour(rawValue: id) else {
                let known = PlatformBehaviour.allCases.map(\.rawValue).joined(separator: ", ")
                throw EnvironmentsError.invalidOption("unknown behaviour '\(part)'; known: \(known)")
            }
            return b
        }
    }

    /// Record ids as typed for `refusedDeletes`, comma-separated GUIDs; `nil`: unchanged; empty: none.
    /// - Throws: `EnvironmentsError.invalidOption` (usage) naming the first value that is not a GUID.
    public static func recordIDs(_ text: String?) throws -> Set<UUID>? {
        try text.map { text in
            Set(
                try text.split(separator: ",").map { part in
                    guard let id = UUID(dataverse: part.trimmingCharacters(in: .whitespaces)) else {
                        throw EnvironmentsError.invalidOption("--refuse-deletes: '\(part)' is not a GUID")
                    }
                    return id
                })
        }
    }

    /// The behaviours to set: `true` for each enabled, then `false` for each disabled.
    public var behaviourChanges: [PlatformBehaviour: Bool] {
        var changes: [PlatformBehaviour: Bool] = [:]
        for b in enable { changes[b] = true }
        for b in disable { changes[b] = false }
        return changes
    }
}

/// An embedded environment's settings as `env settings` shows them.
public struct LocalSettings: Sendable, Hashable {
    public var organization: OrganizationInfo
    /// The behaviours switched on.
    public var behaviours: Set<PlatformBehaviour>
    /// Record ids whose delete is refused.
    public var refusedDeletes: Set<UUID>
}

extension LocalEnvironment {
    /// Applies `change` (see `LocalSettingsChange`) and reads the settings back.
    /// - Throws: what writing or reading the environment throws.
    public func apply(_ change: LocalSettingsChange) async throws -> LocalSettings {
        if change.languageCode != nil || change.blockedAttachments != nil || change.maxUploadFileSize != nil {
            try await updateOrganization(
                languageCode: change.languageCode, blockedAttachments: change.blockedAttachments.map { OrganizationInfo.parseBlockedAttachments($0) },
                maxUploadFileSize: change.maxUploadFileSize)
        }
        let behaviourChanges = change.behaviourChanges
        if !behaviourChanges.isEmpty { try await setBehaviours(behaviourChanges) }
        if let refused = change.refusedDeletes { try await setRefusedDeletes(refused) }
        return LocalSettings(
            organization: try await organizationInfo(), behaviours: try await behaviours(), refusedDeletes: try await refusedDeletes())
    }
}
