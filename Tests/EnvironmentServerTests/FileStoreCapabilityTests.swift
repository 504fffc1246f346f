import DataverseWebAPI
import EnvironmentServer
import Foundation
import PortalModel
import Synchronization
import TestSupport
import Testing

/// The server answers file downloads with `x-ms-file-name` for any service that keeps file names (the
/// `fileStore` capability, issue 19), not only for the embedded environment it used to downcast to.
@Suite struct FileStoreCapabilityTests {
    /// A `MemoryService` that also keeps the name each file body was uploaded with: a service with the
    /// file-store capability that is not a `LocalEnvironment`.
    final class NamedFilesService: ForwardingService, FileStore {
        let memory = MemoryService()
        var forwardedService: any DataverseService { memory }
        let names = Mutex<[FileBodyKey: String]>([:])
        func execute(_ changeSets: [ChangeSet], options: ExecuteOptions) async throws -> [OperationResult] {
            let results = try await memory.execute(changeSets, options: options)
            for (op, result) in zip(changeSets.flatMap(\.operations), results) where result.error == nil {
                if case .uploadFile(let key, let name, _) = op { names.withLock { $0[key] = name } }
            }
            return results
        }

        func storedFile(_ key: FileBodyKey) async throws -> StoredFileBody? {
            guard let data = try await memory.downloadFile(key) else { return nil }
            return StoredFileBody(fileName: names.withLock { $0[key] }, mimeType: nil, data: data)
        }
    }

    @Test func fileNamesComeFromAnyServiceWithAFileStore() async throws {
        let component = UUID()
        let service = NamedFilesService()
        #expect(service.capabilities == [.fileStore])
        await service.memory.seed([EntityRecord("powerpagecomponent", id: component, columns: ["name": .string("logo.png")])])
        let server = try await ServerSupport.start(service)
        let url = server.baseURL + "powerpagecomponents(\(component.dataverseString))/filecontent"
        let bytes = Data((0..<1_000).map { UInt8($0 % 251) })
        do {
            let up = try await HTTP.send(
                "PATCH", url, headers: ["Content-Type": "application/octet-stream", "x-ms-file-name": "Logo (1).png"], body: bytes)
            #expect(up.status == 204)
            let whole = try await HTTP.get(url)
            #expect(whole.status == 200 && whole.body == bytes)
            #expect(whole.header("x-ms-file-name") == "Logo (1).png")
            let part = try await HTTP.get(url + "/$value", headers: ["Range": "bytes=10-19"])
            #expect(part.status == 206 && part.body == bytes.subdata(in: 10..<20))
            #expect(part.header("x-ms-file-name") == "Logo (1).png")
        } catch {
            await server.stop()
            throw error
        }
        await server.stop()
    }

    /// The Web API client's capabilities are its sending advice (the server's `x-ms-dop-hint`), which
    /// the applier asks for instead of downcasting, and the environment URL it talks to (what messages
    /// name); it advises before any request with its initial width.
    @Test func webAPIClientAdvisesNamesItsURLAndHasNoOtherCapability() async throws {
        let client = try WebAPIClient(environmentURL: try #require(URL(string: "http://127.0.0.1:1")))
        #expect(client.capabilities == [.sendingAdvice, .environmentURL])
        let service: any DataverseService = client
        #expect(service.environmentURL?.absoluteString == "http://127.0.0.1:1")
        let width = try #require(await client.sendingAdvice?.recommendedParallelism())
        #expect(width >= 1)
    }

    /// Without the capability the bytes are served as before, with no name.
    @Test func serviceWithoutAFileStoreServesBytesWithoutAName() async throws {
        let component = UUID()
        try await withServer(seed: [EntityRecord("powerpagecomponent", id: component, columns: ["name": .string("logo.png")])]) { service, server in
            #expect(service.fileStore == nil)
            let url = server.baseURL + "powerpagecomponents(\(component.dataverseString))/filecontent"
            let up = try await HTTP.send(
                "PATCH", url, headers: ["Content-Type": "application/octet-stream", "x-ms-file-name": "logo.png"], body: Data([1, 2, 3]))
            #expect(up.status == 204)
            let down = try await HTTP.get(url)
            #expect(down.status == 200 && down.body == Data([1, 2, 3]))
            #expect(down.header("x-ms-file-name") == nil)
        }
    }
}
