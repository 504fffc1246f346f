// The enhanced data model tables (research/dataverse-webapi.md §11.3). Format: CATALOG.md.

extension CatalogData {
    /// powerpagesite, powerpagesitelanguage, powerpagecomponent, powerpagessourcefile.
    static let enhancedTables = #"""
        T powerpagesite|Site|powerpagesites|@enh|powerpagesiteid|name|enhanced|-|name||@enh
        C powerpagesiteid|uniqueIdentifier|Site|-||||
        C name|string|Name|-||||
        C content|memo|Content|-||||
        C datamodelversion|string|Data Model Version|-||||
        C primarydomainname|string|Primary Domain Name|-||||
        C componentstate|choice|Component State|-||||
        C ismanaged|boolean|Is Managed|-||||
        C solutionid|uniqueIdentifier|Solution|-||||
        C ownerid|owner|Owner|-|systemuser,team|ownerid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||

        T powerpagesitelanguage|Site Language|powerpagesitelanguages|@enh|powerpagesitelanguageid|name|enhanced|-|powerpagesiteid,lcid||@enh
        C powerpagesitelanguageid|uniqueIdentifier|Site Language|-||||
        C name|string|Name|-||||
        C languagecode|string|Language Code|-||||
        C lcid|integer|LCID|-||||
        C displayname|string|Display Name|-||||
        C content|memo|Content|-||||
        C powerpagesiteid|lookup|Site|-|powerpagesite|powerpagesiteid|@infnav||
        C componentstate|choice|Component State|-||||
        C ismanaged|boolean|Is Managed|-||||
        C solutionid|uniqueIdentifier|Solution|-||||
        C ownerid|owner|Owner|-|systemuser,team|ownerid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||

        T powerpagecomponent|Site Component|powerpagecomponents|@enh|powerpagecomponentid|name|enhanced|-|powerpagesiteid,powerpagecomponenttype,name,powerpagesitelanguageid||@enh
        C powerpagecomponentid|uniqueIdentifier|Site Component|-||||
        C name|string|Name|-||||
        C powerpagecomponenttype|choice|Component Type|-||||
        C content|memo|Content|-||||
        C filecontent|file|File Content|-||||
        C searchcontent|memo|Search Content|-||||
        C powerpagesiteid|lookup|Site|-|powerpagesite|powerpagesiteid|research/dataverse-webapi.md §11.3 [T example powerpagesiteid@odata.bind]||
        C powerpagesitelanguageid|lookup|Site Language|-|powerpagesitelanguage|powerpagesitelanguageid|@infnav||
        C componentstate|choice|Component State|-||||
        C ismanaged|boolean|Is Managed|-||||
        C solutionid|uniqueIdentifier|Solution|-||||
        C ownerid|owner|Owner|-|systemuser,team|ownerid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||
        R powerpagecomponent_powerpagecomponent|powerpagecomponent|powerpagecomponent|powerpagecomponent_powerpagecomponent|powerpagecomponentidone|powerpagecomponentidtwo|powerpagecomponent_powerpagecomponent|powerpagecomponent_powerpagecomponent|-|@enh
        R powerpagecomponent_mspp_webrole_contact|powerpagecomponent|contact|powerpagecomponent_mspp_webrole_contact|powerpagecomponentid|contactid|powerpagecomponent_mspp_webrole_contact|powerpagecomponent_mspp_webrole_contact|-|@enh
        R powerpagecomponent_mspp_webrole_account|powerpagecomponent|account|powerpagecomponent_mspp_webrole_account|powerpagecomponentid|accountid|powerpagecomponent_mspp_webrole_account|powerpagecomponent_mspp_webrole_account|-|@enh
        R powerpagecomponent_webrole_systemuser|powerpagecomponent|systemuser|powerpagecomponent_webrole_systemuser|powerpagecomponentid|systemuserid|powerpagecomponent_webrole_systemuser|powerpagecomponent_webrole_systemuser|-|@enh
        R adx_invitation_mspp_webrole_powerpagecomponent|powerpagecomponent|adx_invitation|adx_invitation_mspp_webrole_powerpagecomponent|powerpagecomponentid|adx_invitationid|adx_invitation_mspp_webrole_powerpagecomponent|adx_invitation_mspp_webrole_powerpagecomponent|-|@enh

        # A code site's source files (includeSource), research/code-sites-and-admin-api.md §A.1.5 [V-docs] PAD powerpagessourcefile.md:
        # required lookup to the site (cascade delete), codetype choice 1-8, content memo (the file's metadata), filecontent File column (≤ 128 MB).
        # Model `system`: the migration engine reads every non-system table with a site lookup as part of a site, but cannot carry this
        # table's File column; the CodeSite module writes, verifies and downloads these rows with their bytes (code-site upload/download).
        T powerpagessourcefile|Site Source File|powerpagessourcefiles|@enh|powerpagessourcefileid|name|system|-|||research/code-sites-and-admin-api.md §A.1.5 [V-docs]
        C powerpagessourcefileid|uniqueIdentifier|Site Source File|-||||
        C name|string|Name|-||||
        C codetype|choice|Code Type|-||||
        C content|memo|Content|-||||
        C searchcontent|memo|Search Content|-||||
        C filecontent|file|File Content|-||||
        C powerpagesiteid|lookup|Site|-|powerpagesite|powerpagesiteid|@infnav||
        C componentstate|choice|Component State|-||||
        C ismanaged|boolean|Is Managed|-||||
        C ownerid|owner|Owner|-|systemuser,team|ownerid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||
        """#
}
