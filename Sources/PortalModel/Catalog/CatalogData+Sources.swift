// The source abbreviations the catalog text refers to as `@key` (format: CATALOG.md).

extension CatalogData {
    /// `S key|text` lines: where the catalog's facts come from.
    static let sources = #"""
        S cmt|Microsoft's six portal CMT schema files (corpus/cmt/schemas/microsoft; research/cmt-format.md §5 and appendix) [V]
        S s17|research/dataverse-webapi.md §11.2 [V S17]
        S vsc|research/dataverse-webapi.md §11.2 [V S17, S18 portalSchema.ts]
        S s17i|research/dataverse-webapi.md §11.2, marked inferred there [I]
        S nav13|research/dataverse-webapi.md §1.3 [V S17] (mixed-case navigation name)
        S poly|research/dataverse-webapi.md §9.1 [V S17]: polymorphic lookup; navigation property <column>_<target table>, e.g. objectid_adx_webfile
        S infset|[I] the logical name pluralised; no source in the research
        S infnav|[I] assumed equal to the lookup column's logical name; no source in the research
        S cmtrel|Microsoft's CMT schema files [V]; navigation name assumed equal to the relationship schema name (research/dataverse-webapi.md §1.3) [I]
        S webapi3|research/dataverse-webapi.md §3 examples (accounts, contacts) [V S1]
        S system|Dataverse system table; columns the portal lookups and the tool use [I]
        S org|research/dataverse-webapi.md §8 [V S14 columns; I entity set], research/emulator-facts.md §1
        S annot|research/dataverse-webapi.md §9.1 [V S17, T]
        S enh|research/dataverse-webapi.md §11.3 [V S15]
        S enhi|research/dataverse-webapi.md §11.3 [I]
        S pacfiles|pac folders in corpus/pac (research/pac-portal-format.md §1.2-1.3) [V-files]
        S pacinf|[I] not in any pac folder or schema file of the corpus; from research/emulator-facts.md §4.2 key names
        S bot|adx_website.adx_defaultbotconsumerid: research/dataverse-webapi.md §11.2 [T]; pac website.yml [V-files]
        S lookuptarget|lookup or N:N target of a portal table; only its id and primary name are known [I]
        """#
}
