import Foundation
import Testing
import PortalModel
import LocalEnvironment
import TestSupport

/// Each platform behaviour of research/platform-behaviours.md §8 with its error code, and switched off.
@Suite struct BehaviourTests {
    func env(_ behaviours: Set<PlatformBehaviour> = PlatformBehaviour.defaults) throws -> LocalEnvironment {
        try LocalEnvironmentSupport.make(LocalEnvironmentOptions(name: "behaviours", behaviours: behaviours))
    }

    /// A website with `languages` website languages (LCIDs); returns the website and the language ids.
    func site(_ env: LocalEnvironment, languages: [Int]) async throws -> (UUID, [UUID]) {
        let site = UUID()
        var ops: [DataverseOperation] = [.create(EntityRecord("adx_website", id: site, columns: ["adx_name": .string("S")]))]
        let portalLanguages = try await env.retrieveAll(RecordQuery("adx_portallanguage"))
        var ids: [UUID] = []
        for lcid in languages {
            let pl = try #require(portalLanguages.first { $0["adx_lcid"] == .integer(Int32(lcid)) })
            let id = UUID()
            ids.append(id)
            ops.append(
                .create(
                    EntityRecord(
                        "adx_websitelanguage", id: id,
                        columns: [
                            "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                            "adx_portallanguageid": .lookup(pl.reference),
                        ])))
        }
        let results = try await env.execute(ops, atomic: true)
        #expect(results.allSatisfy { $0.isSuccess }, "\(results.compactMap(\.error))")
        return (site, ids)
    }

    func page(_ site: UUID?, _ url: String, parent: UUID? = nil, id: UUID = UUID()) -> EntityRecord {
        var r = EntityRecord("adx_webpage", id: id, columns: ["adx_name": .string(url), "adx_partialurl": .string(url)])
        if let site { r["adx_websiteid"] = .lookup(EntityReference("adx_website", site)) }
        if let parent { r["adx_parentpageid"] = .lookup(EntityReference("adx_webpage", parent)) }
        return r
    }

    @Test func e1WebPageNeedsWebsite() async throws {
        let on = try env()
        let error = try await on.execute([.create(page(nil, "/"))]).first?.error
        #expect(error?.code == "0x80040265")
        #expect(error?.message == "No website is specified.")
        #expect(try await on.execute([.create(page(nil, "/"))], options: ExecuteOptions(bypassCustomPlugins: true)).first?.isSuccess == true)
        let off = try env(PlatformBehaviour.defaults.subtracting([.webPageNeedsWebsite]))
        #expect(try await off.execute([.create(page(nil, "/"))]).first?.isSuccess == true)
    }

    @Test func e2RootPageMustHavePartialURLSlash() async throws {
        let on = try env()
        let (site, _) = try await site(on, languages: [])
        let error = try await on.execute([.create(page(site, "about"))]).first?.error
        #expect(error?.code == "0x80040265")
        #expect(
            error?.message
                == "Value of Partial URL field of the Home Page of your website can only be /. Any other values will lead to issues in your Portal.")
        let home = page(site, "/")
        #expect(try await on.execute([.create(home), .create(page(site, "about", parent: home.id))]).allSatisfy { $0.isSuccess })
        // Update to a value after which the page has no parent and a partial URL other than /.
        let rename = EntityRecord("adx_webpage", id: home.id, columns: ["adx_partialurl": .string("home")])
        #expect(try await on.execute([.update(rename)]).first?.error?.code == "0x80040265")
        #expect(try await on.execute([.update(rename)], options: ExecuteOptions(bypassCustomPlugins: true)).first?.isSuccess == true)
        let off = try env(PlatformBehaviour.defaults.subtracting([.rootPagePartialURL]))
        let (site2, _) = try await self.site(off, languages: [])
        #expect(try await off.execute([.create(page(site2, "about"))]).first?.isSuccess == true)
    }

    @Test func e3RootPageCreatesContentPagesPerLanguage() async throws {
        let on = try env()
        let (site, languages) = try await site(on, languages: [1033, 1036])
        let home = page(site, "/")
        #expect(try await on.execute([.create(home)]).first?.isSuccess == true)
        let content = try await on.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_rootwebpageid", .guid(home.id))))
        #expect(content.count == 2)
        #expect(Set(content.compactMap { $0.lookupID("adx_webpagelanguageid") }) == Set(languages))
        #expect(content.allSatisfy { $0["adx_isroot"] == .boolean(false) && $0["adx_partialurl"] == .string("/") && $0.id != home.id })
        #expect(try await on.retrieve("adx_webpage", id: home.id)["adx_isroot"] == .boolean(true))
        // A content page given explicitly does not trigger the rule.
        var explicit = page(site, "/")
        explicit["adx_rootwebpageid"] = .lookup(home.reference)
        #expect(try await on.execute([.create(explicit)]).first?.isSuccess == true)
        #expect(try await on.count("adx_webpage") == 4)
        // Bypassing custom plug-ins creates no content pages.
        let bypassed = page(site, "/")
        #expect(try await on.execute([.create(bypassed)], options: ExecuteOptions(bypassCustomPlugins: true)).first?.isSuccess == true)
        #expect(try await on.count("adx_webpage") == 5)
        // Switched off: none either.
        let off = try env(PlatformBehaviour.defaults.subtracting([.contentPages]))
        let (site2, _) = try await self.site(off, languages: [1033])
        #expect(try await off.execute([.create(page(site2, "/"))]).first?.isSuccess == true)
        #expect(try await off.count("adx_webpage") == 1)
    }

    @Test func e4WebsiteLanguageCopiesLinkSetsWhenSwitchedOn() async throws {
        let on = try env(PlatformBehaviour.defaults.union([.copyWebLinkSets]))
        let (site, languages) = try await site(on, languages: [1033])
        let set = EntityRecord(
            "adx_weblinkset", id: UUID(),
            columns: [
                "adx_name": .string("Primary Navigation"),
                "adx_websiteid": .lookup(EntityReference("adx_website", site)),
                "adx_websitelanguageid": .lookup(EntityReference("adx_websitelanguage", languages[0])),
            ])
        let link = EntityRecord("adx_weblink", id: UUID(), columns: ["adx_name": .string("Home"), "adx_weblinksetid": .lookup(set.reference)])
        #expect(try await on.execute([.create(set), .create(link)]).allSatisfy { $0.isSuccess })
        let french = try #require(try await on.retrieveAll(RecordQuery("adx_portallanguage", filter: .equal("adx_lcid", .integer(1036)))).first)
        let newLanguage = EntityRecord(
            "adx_websitelanguage", id: UUID(),
            columns: [
                "adx_websiteid": .lookup(EntityReference("adx_website", site)), "adx_portallanguageid": .lookup(french.reference),
            ])
        #expect(try await on.execute([.create(newLanguage)]).first?.isSuccess == true)
        let copies = try await on.retrieveAll(RecordQuery("adx_weblinkset", filter: .equal("adx_websitelanguageid", .guid(newLanguage.id))))
        #expect(copies.map { $0["adx_name"] } == [.string("Primary Navigation")])
        #expect(try await on.count("adx_weblink") == 2)
        // Off by default.
        let off = try env()
        let (site2, _) = try await self.site(off, languages: [1033, 1036])
        _ = site2
        #expect(try await off.count("adx_weblinkset") == 0)
    }

    @Test func e5BlockedExtensionsAndSizeOnNotes() async throws {
        let on = try env()
        func note(_ name: String, bytes: Int) -> EntityRecord {
            EntityRecord(
                "annotation", id: UUID(),
                columns: [
                    "filename": .string(name), "subject": .string(name),
                    "documentbody": .string(Data(repeating: 65, count: bytes).base64EncodedString()),
                ])
        }
        let blocked = try await on.execute([.create(note("site.JS", bytes: 10))]).first?.error
        #expect(blocked?.code == "0x80043e09")
        #expect(blocked?.httpStatus == 400)
        #expect(blocked?.message == "The attachment is either not a valid type or is too large. It cannot be uploaded or downloaded.")
        #expect(try await on.execute([.create(note("logo.svg", bytes: 10))]).first?.error?.code == "0x80043e09")
        // Bypassing plug-ins does not bypass platform checks.
        #expect(
            try await on.execute([.create(note("a.js", bytes: 10))], options: ExecuteOptions(bypassCustomPlugins: true)).first?.error?.code
                == "0x80043e09")
        // Size: the base64 length is compared with maxuploadfilesize.
        try await on.updateOrganization(maxUploadFileSize: 100)
        let big = try await on.execute([.create(note("big.css", bytes: 90))]).first?.error // 120 base64 characters
        #expect(big?.code == "0x80044a02")
        #expect(big?.message == "Attachment file size is too big.")
        let fits = note("small.css", bytes: 75) // exactly 100 base64 characters
        #expect(try await on.execute([.create(fits)]).first?.isSuccess == true)
        #expect(try await on.downloadFile(FileBodyKey("annotation", fits.id, "documentbody")) == Data(repeating: 65, count: 75))
        #expect(try await on.retrieve("annotation", id: fits.id, columns: ["documentbody", "filesize"])["filesize"] == .integer(75))
        // Renaming a stored note to a blocked extension is refused too.
        let rename = EntityRecord("annotation", id: fits.id, columns: ["filename": .string("small.exe")])
        #expect(try await on.execute([.update(rename)]).first?.error?.code == "0x80043e09")
        // Unblocking js through the settings lets it in.
        let org = try await on.organizationInfo()
        try await on.updateOrganization(blockedAttachments: org.blockedAttachments.filter { $0 != "js" })
        #expect(try await on.execute([.create(note("site.js", bytes: 10))]).first?.isSuccess == true)
        // Switched off: anything goes.
        let off = try env(PlatformBehaviour.defaults.subtracting([.attachmentRules]))
        try await off.updateOrganization(maxUploadFileSize: 10)
        #expect(try await off.execute([.create(note("x.exe", bytes: 1000))]).first?.isSuccess == true)
    }

    @Test func c1WebsiteDeleteCascadesOnlyToItsConfiguration() async throws {
        let on = try env()
        let a = try await on.provision(template: "starter", name: "A")
        let b = try await on.provision(template: "starter", name: "B")
        let before = try await tableCounts(on)
        try await on.deleteWebsite(a.websiteId)
        let after = try await tableCounts(on)
        for (table, count) in a.recordCounts where table != "pm_portalapp" {
            #expect(after[table, default: 0] == before[table, default: 0] - count, "\(table)")
        }
        #expect(after["adx_portallanguage"] == 43)
        #expect(after["pm_portalapp"] == 2) // the portal app stays until deleted
        // Site B is untouched.
        let bPages = try await on.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_websiteid", .guid(b.websiteId))))
        #expect(bPages.count == b.recordCounts["adx_webpage"])
        #expect(try await on.websites().map(\.websiteId) == [b.websiteId])

        let off = try env(PlatformBehaviour.defaults.subtracting([.websiteCascade]))
        let c = try await off.provision(template: "starter")
        try await off.deleteWebsite(c.websiteId)
        #expect(try await off.count("adx_webpage") == c.recordCounts["adx_webpage"])
    }

    @Test func c2C3C4DeleteCascadesAndLookupClearing() async throws {
        let on = try env()
        let site = try await on.provision(template: "starter")
        let pages = try await on.retrieveAll(RecordQuery("adx_webpage", filter: .and([.equal("adx_isroot", .boolean(true))])))
        let home = try #require(pages.first { $0["adx_partialurl"] == .string("/") })
        let children = pages.filter { $0.lookupID("adx_parentpageid") == home.id }
        #expect(!children.isEmpty)
        let rules = try await on.retrieveAll(RecordQuery("adx_webpageaccesscontrolrule", filter: .equal("adx_webpageid", .guid(home.id))))
        #expect(rules.count == 1)
        #expect(try await on.execute([.delete("adx_webpage", home.id)]).first?.isSuccess == true)
        for child in children {
            #expect(try await on.retrieve("adx_webpage", id: child.id)["adx_parentpageid"] == .null)
        }
        let homeMarker = try await on.retrieveAll(RecordQuery("adx_sitemarker", filter: .equal("adx_name", .string("Home"))))
        #expect(homeMarker.first?["adx_pageid"] == .null)
        #expect(try await on.count("adx_webpageaccesscontrolrule") == 0)
        // Content pages of the deleted root stay, without their root (RemoveLink).
        #expect(try await on.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_rootwebpageid", .guid(home.id)))).isEmpty)

        // C3: deleting a web file deletes its notes.
        let file = try #require(try await on.retrieveAll(RecordQuery("adx_webfile")).first)
        let notes = try await on.retrieveAll(RecordQuery("annotation", filter: .equal("objectid", .guid(file.id))))
        #expect(notes.count == 1)
        #expect(try await on.execute([.delete("adx_webfile", file.id)]).first?.isSuccess == true)
        #expect(try await on.retrieveAll(RecordQuery("annotation", filter: .equal("objectid", .guid(file.id)))).isEmpty)
        // The note is gone, so reading its body names the missing record.
        await #expect(throws: DataverseError.self) { _ = try await on.downloadFile(FileBodyKey("annotation", notes[0].id, "documentbody")) }

        // C4: deleting a link set deletes its links.
        let set = try #require(
            try await on.retrieveAll(RecordQuery("adx_weblinkset", filter: .equal("adx_name", .string("Primary Navigation")))).first)
        #expect(try await on.retrieveAll(RecordQuery("adx_weblink", filter: .equal("adx_weblinksetid", .guid(set.id)))).count == 5)
        #expect(try await on.execute([.delete("adx_weblinkset", set.id)]).first?.isSuccess == true)
        #expect(try await on.retrieveAll(RecordQuery("adx_weblink", filter: .equal("adx_weblinksetid", .guid(set.id)))).isEmpty)
        _ = site

        // Switched off: lookups keep pointing at the deleted page, notes and links stay.
        let off = try env(PlatformBehaviour.defaults.subtracting([.webPageDeleteLinks, .notesCascade, .parentalCascade]))
        _ = try await off.provision(template: "starter")
        let offHome = try #require(
            try await off.retrieveAll(
                RecordQuery(
                    "adx_webpage",
                    filter: .and([
                        .equal("adx_partialurl", .string("/")), .equal("adx_isroot", .boolean(true)),
                    ]))
            ).first)
        #expect(try await off.execute([.delete("adx_webpage", offHome.id)]).first?.isSuccess == true)
        #expect(try await off.retrieveAll(RecordQuery("adx_webpage", filter: .equal("adx_parentpageid", .guid(offHome.id)))).count > 0)
        let offFile = try #require(try await off.retrieveAll(RecordQuery("adx_webfile")).first)
        #expect(try await off.execute([.delete("adx_webfile", offFile.id)]).first?.isSuccess == true)
        #expect(try await off.retrieveAll(RecordQuery("annotation", filter: .equal("objectid", .guid(offFile.id)))).count == 1)
        let offSet = try #require(
            try await off.retrieveAll(RecordQuery("adx_weblinkset", filter: .equal("adx_name", .string("Primary Navigation")))).first)
        #expect(try await off.execute([.delete("adx_weblinkset", offSet.id)]).first?.isSuccess == true)
        #expect(try await off.retrieveAll(RecordQuery("adx_weblink", filter: .equal("adx_weblinksetid", .guid(offSet.id)))).count == 5)
    }

    @Test func switchesPersistInTheFile() async throws {
        let on = try env()
        try await on.setBehaviours([.contentPages: false, .copyWebLinkSets: true])
        let reopened = try LocalEnvironment(opening: on.url)
        let now = try await reopened.behaviours()
        #expect(!now.contains(.contentPages))
        #expect(now.contains(.copyWebLinkSets))
        #expect(now.contains(.webPageNeedsWebsite))
    }

    func tableCounts(_ env: LocalEnvironment) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for t in env.catalog.logicalNames { counts[t] = try await env.count(t) }
        return counts
    }
}
