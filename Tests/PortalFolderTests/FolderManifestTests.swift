import Foundation
import Testing
import PortalModel
import TestSupport
@testable import PortalFolder

/// Manifests (research/pac-portal-format.md §3): pac's shape, our checksums, deletions tracked.
@Suite struct FolderManifestTests {
    @Test func manifestShapeRoundTripsAndDeletedEntriesUseEmptyCheckSum() throws {
        let entry = PortalManifest.Entry(
            recordID: "71fa3ac7-32df-ed11-a7c6-000d3a854be1",
            displayName: "$RELATIONSHIP$adx_entitypermission:0000e357-08da-ed11-a7c6-000d3a854be1:adx_webrole",
            checkSum: nil, isDeleted: true)
        let m = PortalManifest(sections: ["adx_webrole": [], "adx_entitypermission_webrole": [entry]])
        let text = PacYAMLEmitter().emit(m.yaml)
        #expect(
            text == """
                adx_entitypermission_webrole:
                - RecordId: 71fa3ac7-32df-ed11-a7c6-000d3a854be1
                  DisplayName: $RELATIONSHIP$adx_entitypermission:0000e357-08da-ed11-a7c6-000d3a854be1:adx_webrole
                  CheckSum: 
                  IsDeleted: true
                adx_webrole: []

                """)
        let back = try PortalManifest(yaml: PacYAMLReader.parse(text, file: "m.yml").root, file: "m.yml")
        #expect(back == m)
        #expect(PacYAMLEmitter().emit(PortalManifest().yaml) == "{}\n")
    }

    @Test func environmentManifestHasChecksumsAndTracksDeletions() throws {
        let content = try PortalFolder().read(TestPaths.pacFolder("ejada-starter-2022"))
        let target = try TestPaths.temporaryDirectory("pm-folder-manifest")
        defer { try? FileManager.default.removeItem(at: target) }
        let host = "org1234.crm.dynamics.com"
        let options = FolderWriteOptions(environmentHost: host)
        try PortalFolder().write(content.snapshot, layout: content.layout, to: target, options: options)
        let path = ".portalconfig/\(host)-manifest.yml"
        let read1 = try PortalFolder().read(target)
        let env1 = try #require(read1.layout.manifests[path])
        let roles = try #require(env1.sections["adx_webrole"])
        #expect(roles.count == content.snapshot.records["adx_webrole"]?.count)
        #expect(roles.allSatisfy { ($0.checkSum ?? "").range(of: "^[0-9a-f]{64}$", options: .regularExpression) != nil && !$0.isDeleted })
        #expect(
            (env1.sections["adx_webpageaccesscontrolrule_webrole"] ?? []).allSatisfy {
                $0.displayName?.hasPrefix("$RELATIONSHIP$adx_webpageaccesscontrolrule:") == true
            })
        // Writing the same snapshot again gives the same checksums (deterministic).
        try PortalFolder().write(read1.snapshot, layout: read1.layout, to: target, options: options)
        #expect(try PortalFolder().read(target).layout.manifests[path] == env1)

        // Change one web role and drop another: one checksum changes, one entry is marked deleted.
        var snapshot = read1.snapshot
        var webroles = try #require(snapshot.records["adx_webrole"])
        let dropped = webroles.removeLast()
        webroles[0].columns["adx_description"] = .string("changed")
        snapshot.records["adx_webrole"] = webroles
        try PortalFolder().write(snapshot, layout: read1.layout, to: target, options: options)
        let read2 = try PortalFolder().read(target)
        let env2 = try #require(read2.layout.manifests[path])
        let before = Dictionary(uniqueKeysWithValues: roles.map { ($0.recordID, $0) })
        let after = Dictionary(uniqueKeysWithValues: (env2.sections["adx_webrole"] ?? []).map { ($0.recordID, $0) })
        let changed = after.filter { before[$0.key]?.checkSum != $0.value.checkSum }.map(\.key).sorted()
        #expect(changed == [webroles[0].id.dataverseString])
        #expect(after[dropped.id.dataverseString]?.isDeleted == true)
        #expect(read2.deletions.contains { $0.section == "adx_webrole" && $0.recordID == dropped.id })
    }
}
