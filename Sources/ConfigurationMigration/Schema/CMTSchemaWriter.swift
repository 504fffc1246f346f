import Foundation

extension CMTSchema {
    /// The schema as CMT writes it: no XML declaration, LF line ends, two-space indentation, no final
    /// newline; attributes in Microsoft's order; lowercase booleans; inside `<entity>` the order
    /// fields → relationships → filter, and `<relationships />` even when empty; the `<filter>` FetchXML
    /// escaped as text (research/cmt-format.md §1.1, §1.6). Microsoft's six portal files are reproduced
    /// byte for byte. The root is `<entities xmlns:xsi="…">`, or `<entities >` (CMT GUI's form) when no
    /// namespace is declared.
    public func xmlText() -> String {
        var out = "<entities "
        if declaresXSINamespace { out += "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\"" }
        if let d = dateMode { out += " dateMode=\"\(XMLEscaping.attribute(d))\"" }
        out += ">"
        if let order = entityImportOrder {
            if order.isEmpty {
                out += "\n  <entityImportOrder />"
            } else {
                out += "\n  <entityImportOrder>"
                for name in order { out += "\n    <entityName>\(XMLEscaping.text(name))</entityName>" }
                out += "\n  </entityImportOrder>"
            }
        }
        for entity in entities { out += "\n" + CMTSchemaWriting.entity(entity) }
        out += "\n</entities>"
        return out
    }

    /// `xmlText()` as UTF-8 bytes without BOM.
    public func xmlData() -> Data { Data(xmlText().utf8) }
}

enum CMTSchemaWriting {
    static func attr(_ name: String, _ value: String?) -> String {
        guard let v = value else { return "" }
        return " \(name)=\"\(XMLEscaping.attribute(v))\""
    }

    static func attr(_ name: String, _ value: Bool?) -> String {
        guard let v = value else { return "" }
        return " \(name)=\"\(v ? "true" : "false")\""
    }

    static func entity(_ e: CMTEntity) -> String {
        var out =
            "  <entity" + attr("name", e.name) + attr("displayname", e.displayName)
            + attr("etc", e.objectTypeCode.map(String.init)) + attr("primaryidfield", e.primaryIDField)
            + attr("primarynamefield", e.primaryNameField) + attr("disableplugins", e.disablePlugins)
            + attr("skipupdate", e.skipUpdate) + attr("forcecreate", e.forceCreate) + ">"
        if e.fields.isEmpty {
            out += "\n    <fields />"
        } else {
            out += "\n    <fields>"
            for f in e.fields { out += "\n      " + field(f) }
            out += "\n    </fields>"
        }
        if e.relationships.isEmpty {
            out += "\n    <relationships />"
        } else {
            out += "\n    <relationships>"
            for r in e.relationships { out += "\n      " + relationship(r) }
            out += "\n    </relationships>"
        }
        if let filter = e.filter {
            out += "\n    <filter>\(XMLEscaping.text(filter))</filter>"
        }
        out += "\n  </entity>"
        return out
    }

    static func field(_ f: CMTField) -> String {
        "<field" + attr("updateCompare", f.updateCompare) + attr("displayname", f.displayName) + attr("name", f.name)
            + attr("type", f.typeName) + attr("lookupType", f.lookupTypes.isEmpty ? nil : f.lookupTypes.joined(separator: "|"))
            + attr("primaryKey", f.primaryKey) + attr("customfield", f.customField) + attr("dateMode", f.dateMode) + " />"
    }

    static func relationship(_ r: CMTRelationship) -> String {
        var out =
            "<relationship" + attr("name", r.name) + attr("manyToMany", r.manyToMany) + attr("isreflexive", r.isReflexive)
            + attr("relatedEntityName", r.relatedEntityName) + attr("m2mTargetEntity", r.m2mTargetEntity)
            + attr("m2mTargetEntityPrimaryKey", r.m2mTargetEntityPrimaryKey)
            + attr("referencedAttribute", r.referencedAttribute) + attr("referencedEntity", r.referencedEntity)
            + attr("referencingAttribute", r.referencingAttribute) + attr("referencingEntity", r.referencingEntity)
        if r.fields.isEmpty { return out + " />" }
        out += ">\n        <fields>"
        for f in r.fields { out += "\n          " + field(f) }
        out += "\n        </fields>\n      </relationship>"
        return out
    }
}
