// Dataverse system tables that portal lookups and N:N relationships point to. Matched by id only
// (empty natural key): they are identities and reference data, not portal configuration.
// Format: CATALOG.md.

extension CatalogData {
    /// System tables: contact, account, systemuser, businessunit, team, subject, organization,
    /// transactioncurrency, list, knowledgearticle.
    static let systemTables = #"""
        # Notes (annotation) are in the schema files; these columns order a web file's notes, newest first.
        + annotation
        C createdon|dateTime|Created On|-|||||research/dataverse-webapi.md §9.1 [I]
        C modifiedon|dateTime|Modified On|-|||||research/dataverse-webapi.md §9.1 ($orderby=modifiedon desc) [V S18]

        T contact|Contact|contacts|@webapi3|contactid|fullname|system|-|||@system
        C contactid|uniqueIdentifier|Contact|-||||
        C fullname|string|Full Name|-||||
        C firstname|string|First Name|-||||
        C lastname|string|Last Name|-||||
        C emailaddress1|string|Email|-||||
        C parentcustomerid|lookup|Company Name|-|account,contact|parentcustomerid_account|@poly||
        C ownerid|owner|Owner|-|systemuser,team|ownerid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||

        T account|Account|accounts|@webapi3|accountid|name|system|-|||@system
        C accountid|uniqueIdentifier|Account|-||||
        C name|string|Account Name|-||||
        C emailaddress1|string|Email|-||||
        C primarycontactid|lookup|Primary Contact|-|contact|primarycontactid|research/dataverse-webapi.md §2.1 [V S3]||
        C ownerid|owner|Owner|-|systemuser,team|ownerid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||

        T systemuser|User|systemusers|@infset|systemuserid|fullname|system|-|||@system
        C systemuserid|uniqueIdentifier|User|-||||
        C fullname|string|Full Name|-||||
        C domainname|string|User Name|-||||
        C internalemailaddress|string|Primary Email|-||||
        C businessunitid|lookup|Business Unit|-|businessunit|businessunitid|@infnav||
        C isdisabled|boolean|Status|-||||

        T businessunit|Business Unit|businessunits|@infset|businessunitid|name|system|-|||@system
        C businessunitid|uniqueIdentifier|Business Unit|-||||
        C name|string|Name|-||||
        C parentbusinessunitid|lookup|Parent Business|-|businessunit|parentbusinessunitid|@infnav||

        T team|Team|teams|@infset|teamid|name|system|-|||@system
        C teamid|uniqueIdentifier|Team|-||||
        C name|string|Team Name|-||||
        C businessunitid|lookup|Business Unit|-|businessunit|businessunitid|@infnav||

        T subject|Subject|subjects|@infset|subjectid|title|system|-|||@system
        C subjectid|uniqueIdentifier|Subject|-||||
        C title|string|Title|-||||
        C parentsubject|lookup|Parent Subject|-|subject|parentsubject|@infnav||

        T organization|Organization|organizations|@org|organizationid|name|system|-|||@org
        C organizationid|uniqueIdentifier|Organization|-||||
        C name|string|Name|-||||
        C languagecode|integer|Language|-||||
        C blockedattachments|memo|Block Attachments|-||||
        C blockedmimetypes|memo|Blocked MIME Types|-||||
        C allowedmimetypes|memo|Allowed MIME Types|-||||
        C maxuploadfilesize|integer|Max Upload File Size|-||||
        C basecurrencyid|lookup|Currency|-|transactioncurrency|basecurrencyid|@infnav||@system
        C versionnumber|bigInt|Version Number|-||||

        T transactioncurrency|Currency|transactioncurrencies|@infset|transactioncurrencyid|currencyname|system|-|||@system
        C transactioncurrencyid|uniqueIdentifier|Currency|-||||
        C currencyname|string|Currency Name|-||||
        C isocurrencycode|string|Currency Code|-||||
        C currencysymbol|string|Currency Symbol|-||||
        C exchangerate|decimal|Exchange Rate|-||||

        T list|Marketing List|lists|@infset|listid|listname|system|-|||@lookuptarget
        C listid|uniqueIdentifier|List|-||||
        C listname|string|Name|-||||

        T knowledgearticle|Knowledge Article|knowledgearticles|@infset|knowledgearticleid|title|system|-|||@lookuptarget
        C knowledgearticleid|uniqueIdentifier|Knowledge Article|-||||
        C title|string|Title|-||||
        """#
}
