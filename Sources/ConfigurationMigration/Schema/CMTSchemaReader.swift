import Foundation
import PortalModel

extension CMTSchema {
    /// Reads a schema file.
    /// - Parameter url: the schema file (`data_schema.xml` or a portal schema).
    /// - Throws: `CMTError` naming the file and line (malformed XML, unsafe input, a missing required
    ///   attribute, a boolean or `etc` that does not parse); `CMTError.missingFile` saying in words why
    ///   the file cannot be read (absent, a folder, not readable).
    public init(contentsOf url: URL) throws {
        try self.init(data: CMTSchema.readFile(url), file: url.lastPathComponent)
    }

    /// The bytes of a schema file. - Throws: `CMTError.missingFile` naming the path and why it cannot be read.
    public static func readFile(_ url: URL) throws -> Data {
        do { return try FileReadProblem.read(url, what: "the schema file") } catch let e as FileReadError {
            throw CMTError(.missingFile, e.reason, file: url.path)
        }
    }

    /// Reads a schema from bytes (any encoding `SafeXMLReader` accepts).
    /// - Parameters:
    ///   - data: the file's bytes.
    ///   - file: the name used in errors.
    /// - Throws: `CMTError` naming the file, line, entity and field; `CMTProblems` when the file has
    ///   more than one problem (every bad entity and field is named, not only the first).
    public init(data: Data, file: String = "data_schema.xml") throws {
        let text = try SafeXMLReader.decode(data, file: file)
        let root = try SafeXMLReader.parse(text: text, file: file)
        try self.init(root: root, rootTagDeclaresXSI: CMTSchema.rootTag(of: text)?.contains("xmlns:xsi") ?? false, file: file)
    }

    /// The text of the first start tag that is not a declaration or comment (`<entities …>`).
    static func rootTag(of text: String) -> Substring? {
        var search = text.startIndex
        while let lt = text.range(of: "<", range: search..<text.endIndex) {
            let next = text.index(after: lt.lowerBound)
            if next < text.endIndex, text[next] == "?" || text[next] == "!" {
                search = next
                continue
            }
            guard let gt = text.range(of: ">", range: lt.upperBound..<text.endIndex) else { return nil }
            return text[lt.lowerBound..<gt.upperBound]
        }
        return nil
    }

    init(root: XMLNode, rootTagDeclaresXSI: Bool, file: String) throws {
        guard root.name == "entities" else {
            throw CMTError(.invalidSchema, "the root element is <\(root.name)>, expected <entities>", file: file, line: root.line)
        }
        var schema = CMTSchema(
            dateMode: root["dateMode"],
            declaresXSINamespace: rootTagDeclaresXSI || root["xmlns:xsi"] != nil)
        var entityLines: [String: Int] = [:]
        // Every problem of the file is collected and reported together (issue 19): a bad entity or field
        // is skipped and reading goes on.
        var problems = ProblemCollector<CMTError>()
        for child in root.children {
            do {
                switch child.name {
                case "entityImportOrder":
                    schema.entityImportOrder = child.children("entityName").map {
                        $0.text.trimmingCharacters(in: .whitespacesAndNewlines)
                    }
                case "entity":
                    let entity = try CMTSchemaParsing.entity(child, file: file)
                    // A table twice: readers took the first or the last (red team F7); refused.
                    if let first = entityLines.updateValue(child.line, forKey: entity.name) {
                        throw CMTError(
                            .invalidSchema, "entity \(entity.name) appears twice (lines \(first) and \(child.line)); keep one of them",
                            file: file, line: child.line, entity: entity.name)
                    }
                    schema.entities.append(entity)
                default:
                    throw CMTError(.invalidSchema, "unexpected element <\(child.name)> under <entities>", file: file, line: child.line)
                }
            } catch {
                try problems.record(error)
            }
        }
        try problems.finish()
        self = schema
    }
}

/// Element-by-element parsing of schema XML, shared by the schema and data readers.
enum CMTSchemaParsing {
    static func required(_ node: XMLNode, _ attribute: String, file: String, entity: String? = nil) throws -> String {
        guard let v = node[attribute] else {
            throw CMTError(.invalidSchema, "<\(node.name)> has no \(attribute) attribute", file: file, line: node.line, entity: entity)
        }
        return v
    }

    /// An `xs:boolean`, read in any case (`true`, `True`, `1`, `false`, `False`, `0`).
    static func bool(_ node: XMLNode, _ attribute: String, file: String, entity: String? = nil) throws -> Bool? {
        guard let raw = node[attribute] else { return nil }
        switch raw.trimmingCharacters(in: .whitespaces).lowercased() {
        case "true", "1": return true
        case "false", "0": return false
        default:
            throw CMTError(
                .invalidSchema, "\(attribute)=\"\(raw)\" is not a boolean", file: file, line: node.line,
                entity: entity, field: node["name"])
        }
    }

    static func entity(_ node: XMLNode, file: String) throws -> CMTEntity {
        let name = try required(node, "name", file: file)
        var etc: Int?
        if let raw = node["etc"] {
            guard let v = Int(raw.trimmingCharacters(in: .whitespaces)) else {
                throw CMTError(.invalidSchema, "etc=\"\(raw)\" is not an integer", file: file, line: node.line, entity: name)
            }
            etc = v
        }
        var entity = CMTEntity(
            name: name,
            displayName: node["displayname"] ?? name,
            objectTypeCode: etc,
            primaryIDField: try required(node, "primaryidfield", file: file, entity: name),
            primaryNameField: node["primarynamefield"] ?? "",
            disablePlugins: try bool(node, "disableplugins", file: file, entity: name) ?? false,
            skipUpdate: try bool(node, "skipupdate", file: file, entity: name),
            forceCreate: try bool(node, "forcecreate", file: file, entity: name))
        for child in node.children {
            switch child.name {
            case "fields":
                var lines: [String: Int] = [:]
                var problems = ProblemCollector<CMTError>()
                for fieldNode in child.children("field") {
                    do {
                        let f = try field(fieldNode, file: file, entity: name)
                        // A field twice: its type and options came from one of them (red team F7); refused.
                        if let first = lines.updateValue(fieldNode.line, forKey: f.name) {
                            throw CMTError(
                                .invalidSchema,
                                "field \(f.name) appears twice in entity \(name) (lines \(first) and \(fieldNode.line)); "
                                    + "keep one of them", file: file, line: fieldNode.line, entity: name, field: f.name)
                        }
                        entity.fields.append(f)
                    } catch {
                        try problems.record(error)
                    }
                }
                try problems.finish()
            case "relationships":
                entity.relationships = try child.children("relationship").map { try relationship($0, file: file, entity: name) }
            case "filter":
                entity.filter = child.text
                entity.filterSource = .init(file: file, line: child.line)
            default:
                throw CMTError(.invalidSchema, "unexpected element <\(child.name)> in <entity>", file: file, line: child.line, entity: name)
            }
        }
        return entity
    }

    static func field(_ node: XMLNode, file: String, entity: String) throws -> CMTField {
        let name = try required(node, "name", file: file, entity: entity)
        let type = try required(node, "type", file: file, entity: entity)
        return CMTField(
            name: name,
            displayName: node["displayname"] ?? name,
            typeName: type,
            lookupTypes: node["lookupType"].map { $0.split(separator: "|").map(String.init) } ?? [],
            updateCompare: try bool(node, "updateCompare", file: file, entity: entity),
            primaryKey: try bool(node, "primaryKey", file: file, entity: entity),
            customField: try bool(node, "customfield", file: file, entity: entity),
            dateMode: node["dateMode"])
    }

    static func relationship(_ node: XMLNode, file: String, entity: String) throws -> CMTRelationship {
        CMTRelationship(
            name: try required(node, "name", file: file, entity: entity),
            manyToMany: try bool(node, "manyToMany", file: file, entity: entity) ?? false,
            isReflexive: try bool(node, "isreflexive", file: file, entity: entity),
            relatedEntityName: node["relatedEntityName"],
            m2mTargetEntity: node["m2mTargetEntity"],
            m2mTargetEntityPrimaryKey: node["m2mTargetEntityPrimaryKey"],
            referencedAttribute: node["referencedAttribute"],
            referencedEntity: node["referencedEntity"],
            referencingAttribute: node["referencingAttribute"],
            referencingEntity: node["referencingEntity"],
            fields: try node.child("fields")?.children("field").map { try field($0, file: file, entity: entity) } ?? [])
    }
}
