import Foundation
import PortalModel

/// The content of a `data.xml`, read against its schema: records, N:N links and note bodies as a
/// `PortalSnapshot`, plus the export timestamp and any warnings (research/cmt-format.md §2).
public struct CMTDataFile: Sendable {
    /// Records by table, links by N:N relationship name, and bodies: an annotation's base64
    /// `documentbody` and `imagedata` columns are decoded into `snapshot.bodies` under
    /// `FileBodyKey(table, id, column)` rather than kept as column text.
    public var snapshot: PortalSnapshot
    /// The root `timestamp` as written (ISO, culture-formatted, or `nil` when absent).
    public var timestamp: String?
    /// Things skipped while reading (fields or entities not in the schema), one line each.
    public var warnings: [String]

    public init(snapshot: PortalSnapshot, timestamp: String? = nil, warnings: [String] = []) {
        self.snapshot = snapshot
        self.timestamp = timestamp
        self.warnings = warnings
    }

    /// The columns held as bodies rather than column values: `annotation.documentbody` and image columns.
    static func isBodyField(entity: String, field: CMTField) -> Bool {
        (entity == "annotation" && field.name == "documentbody") || field.isImageData
    }

    /// The timestamp as a date, when it parses (ISO or en-US culture form).
    public var timestampDate: DateTimeValue? {
        guard let t = timestamp else { return nil }
        return DateTimeValue(iso8601: t) ?? CMTValueCodec.cultureDate(t)
    }

    /// Reads `data.xml` bytes against a schema.
    ///
    /// Tolerant of BOM or none, UTF-8 or UTF-16, an XML declaration or none, a missing or
    /// culture-formatted `timestamp`, a missing `<m2mrelationships>`, unknown attributes. Fields and
    /// entities absent from the schema are skipped with a warning, as CMT's importer does.
    /// - Throws: `CMTError` naming file, line, entity, record and field for malformed or unsafe XML,
    ///   a record without a valid id, or a value that does not fit its field's type;
    ///   `CMTError.unsupportedValue` for a non-empty `partylist` value (activity parties are not carried).
    ///   Problems past the XML parse are collected: one problem is thrown as its `CMTError`, two or
    ///   more as `CMTProblems` listing each.
    public init(data: Data, schema: CMTSchema, file: String = "data.xml") throws {
        let reader = CMTDataReader(schema: schema, file: file)
        let root = try SafeXMLReader.parse(data, file: file, sink: reader)
        self = try reader.finish(root: root)
    }

    /// Reads a `data.xml` file against a schema as `init(data:schema:file:)` does, without holding the
    /// file or its bodies in memory (issue 20): the file is mapped and its pages given back as it is
    /// scanned, every attribute value over 64 KiB (a note's base64 `documentbody`) goes to the
    /// process's body spool, so each body ends in `snapshot.bodies` as a spooled file (`FileBody.file`),
    /// and each record becomes an `EntityRecord` as soon as the parser has read it (`CMTDataReader`).
    /// - Throws: what `init(data:schema:file:)` throws; `CMTError.missingFile` when the file cannot be
    ///   read; `CMTError.writeFailed` when a body cannot be written to the spool.
    public init(contentsOf url: URL, schema: CMTSchema, file: String = "data.xml") throws {
        let mapped = try MappedFile(url, label: file)
        let reader = CMTDataReader(schema: schema, file: file)
        let root: XMLNode
        do { root = try SafeXMLReader.parse(mapped: mapped, file: file, sink: reader) } catch let e as SafeWriteError {
            throw CMTError(.writeFailed, "a value cannot be kept on disk while reading: \(e.description)", file: file)
        }
        self = try reader.finish(root: root)
    }

    /// Writes `data.xml` as CMT does (research/cmt-format.md §2.1): a leading newline and no XML
    /// declaration, `xmlns:xsd` then `xmlns:xsi`, the `timestamp`, entities in schema order (only those
    /// with records or links), fields in schema field order with the primary id repeated as a field,
    /// null values omitted, strings HTML-encoded, lookups with `lookupentity` and (when known) `lookupentityname`,
    /// `<m2mrelationships>` per entity with one `<m2mrelationship>` per source record and relationship.
    /// LF line ends, two-space indentation, no final newline.
    ///
    /// Records of tables not in the schema, and columns not in the entity's fields, are not written.
    /// - Parameters:
    ///   - schema: decides which tables and columns are written, and their order.
    ///   - timestamp: the root `timestamp` text; `nil` writes none.
    /// - Throws: `CMTError.writeFailed` when a body referenced by the snapshot cannot be read.
    public static func xmlText(snapshot: PortalSnapshot, schema: CMTSchema, timestamp: String?) throws -> String {
        var text = ""
        try writeXML(snapshot: snapshot, schema: schema, timestamp: timestamp) { text += $0 }
        return text
    }

    /// Writes `data.xml` (as `xmlText` does) in pieces of about 1 MiB to `sink`, so neither the document
    /// nor more than one body's base64 text is held at once (issue 20: the benchmark's L export holds
    /// 900 MB of base64 bodies).
    /// - Throws: what `xmlText` throws; what `sink` throws.
    static func writeXML(snapshot: PortalSnapshot, schema: CMTSchema, timestamp: String?, to sink: (String) throws -> Void) throws {
        var out = "\n<entities xmlns:xsd=\"http://www.w3.org/2001/XMLSchema\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\""
        if let t = timestamp { out += " timestamp=\"\(XMLEscaping.attribute(t))\"" }
        out += ">"
        for entity in schema.entities {
            let records = snapshot.records[entity.name] ?? []
            let relationships = entity.relationships.filter { $0.manyToMany }
            let hasLinks = relationships.contains { !(snapshot.links[$0.name]?.isEmpty ?? true) }
            if records.isEmpty && !hasLinks { continue }
            out += "\n  <entity name=\"\(XMLEscaping.attribute(entity.name))\" displayname=\"\(XMLEscaping.attribute(entity.displayName))\">"
            if records.isEmpty {
                out += "\n    <records />"
            } else {
                out += "\n    <records>"
                for record in records {
                    out += "\n      <record id=\"\(record.id.dataverseString)\">"
                    for field in entity.fields {
                        let item: (value: String, lookupEntity: String?, lookupName: String?)?
                        if field.name == entity.primaryIDField {
                            item = (record.id.dataverseString, nil, nil)
                        } else if isBodyField(entity: entity.name, field: field),
                            let body = snapshot.bodies[FileBodyKey(entity.name, record.id, field.name)]
                        {
                            do {
                                item = (try body.load().base64EncodedString(), nil, nil)
                            } catch {
                                throw CMTError(
                                    .writeFailed, "the body cannot be read: \(CMTPackage.plainReason(error))", entity: entity.name,
                                    recordID: record.id.dataverseString, field: field.name)
                            }
                        } else if let v = record.columns[field.name] {
                            item = CMTValueCodec.format(v, field: field)
                        } else {
                            item = nil
                        }
                        guard let i = item else { continue }
                        // A character XML 1.0 cannot carry would be written raw and the package refused by its
                        // own import (red team F2): refused here, before the zip is written.
                        for text in [i.value, i.lookupName ?? ""] {
                            guard let bad = XMLEscaping.firstCharacterXMLCannotCarry(text) else { continue }
                            let nameField = entity.fields.first { $0.name == entity.primaryNameField && $0.name != field.name }
                            let recordName = nameField.flatMap { f in record.columns[f.name].flatMap { CMTValueCodec.format($0, field: f)?.value } }
                            throw CMTError(
                                .invalidValue,
                                "the value holds the character U+\(String(format: "%04X", bad.value)), which XML 1.0 "
                                    + "cannot carry (not even as &#…;: U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+FFFE, "
                                    + "U+FFFF and unpaired surrogates are not allowed), so data.xml could not be imported; "
                                    + (recordName.map { "the record is named '\($0)'; " } ?? "")
                                    + "remove the character from the value in the environment and export again; nothing was written",
                                entity: entity.name, recordID: record.id.dataverseString, field: field.name)
                        }
                        out += "\n        <field name=\"\(XMLEscaping.attribute(field.name))\" value=\"\(XMLEscaping.attribute(i.value))\""
                        if let le = i.lookupEntity {
                            // CMT strips an empty lookupentityname="" (research/cmt-format.md §2.1; typed-2025's owninguser).
                            out += " lookupentity=\"\(XMLEscaping.attribute(le))\""
                            if let n = i.lookupName, !n.isEmpty { out += " lookupentityname=\"\(XMLEscaping.attribute(n))\"" }
                        }
                        out += " />"
                    }
                    out += "\n      </record>"
                    if out.utf8.count >= 1 << 20 {
                        try sink(out)
                        out = ""
                    }
                }
                out += "\n    </records>"
            }
            var m2m = ""
            for rel in relationships {
                guard let links = snapshot.links[rel.name], !links.isEmpty else { continue }
                // One element per source record, sources in record order then id order, targets sorted.
                var bySource: [UUID: [UUID]] = [:]
                var targetEntity = rel.m2mTargetEntity ?? ""
                for l in links where l.first.logicalName == entity.name {
                    bySource[l.first.id, default: []].append(l.second.id)
                    if targetEntity.isEmpty { targetEntity = l.second.logicalName }
                }
                let recordOrder = Dictionary(records.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
                let sources = bySource.keys.sorted {
                    let (a, b) = (recordOrder[$0] ?? Int.max, recordOrder[$1] ?? Int.max)
                    return a != b ? a < b : $0.dataverseString < $1.dataverseString
                }
                let idField = rel.m2mTargetEntityPrimaryKey ?? "\(targetEntity)id"
                for s in sources {
                    m2m +=
                        "\n      <m2mrelationship sourceid=\"\(s.dataverseString)\" targetentityname=\"\(XMLEscaping.attribute(targetEntity))\""
                        + " targetentitynameidfield=\"\(XMLEscaping.attribute(idField))\" m2mrelationshipname=\"\(XMLEscaping.attribute(rel.name))\">"
                    m2m += "\n        <targetids>"
                    for t in (bySource[s] ?? []).sorted(by: { $0.dataverseString < $1.dataverseString }) {
                        m2m += "\n          <targetid>\(t.dataverseString)</targetid>"
                    }
                    m2m += "\n        </targetids>\n      </m2mrelationship>"
                }
            }
            out += m2m.isEmpty ? "\n    <m2mrelationships />" : "\n    <m2mrelationships>" + m2m + "\n    </m2mrelationships>"
            out += "\n  </entity>"
        }
        out += "\n</entities>"
        try sink(out)
    }
}
