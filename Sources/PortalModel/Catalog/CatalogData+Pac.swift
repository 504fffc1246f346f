// Tables and columns that real pac folders hold but none of Microsoft's six schema files lists
// (research/pac-portal-format.md §1.2-1.3; corpus/pac). Format: CATALOG.md.

extension CatalogData {
    /// Portal tables and columns known from pac folders and the research, not from a schema file.
    static let pacTables = #"""
        + adx_website
        C adx_defaultbotconsumerid|lookup|Default Bot Consumer|-|adx_botconsumer|adx_defaultbotconsumerid|@infnav||@bot
        + adx_webpage
        C adx_botconsumerid|lookup|Bot Consumer|-|adx_botconsumer|adx_botconsumerid|@infnav||corpus/pac/medical-webfiles-2023 web page YAML [V-files]

        T adx_botconsumer|Bot Consumer|adx_botconsumers|@infset|adx_botconsumerid|adx_name|standard|-|adx_websiteid,adx_botschemaname||@pacfiles
        C adx_botconsumerid|uniqueIdentifier|Bot Consumer|-||||
        C adx_name|string|Name|-||||
        C adx_botschemaname|string|Bot Schema Name|-||||
        C adx_configjson|memo|Config JSON|-||||
        C adx_websiteid|lookup|Website|-|adx_website|adx_websiteid|@infnav||@pacinf
        C statecode|state|Status|-|||||@pacinf
        C statuscode|status|Status Reason|-|||||@pacinf
        C versionnumber|bigInt|Version Number|-||||

        T adx_columnpermissionprofile|Column Permission Profile|adx_columnpermissionprofiles|@infset|adx_columnpermissionprofileid|adx_profilename|standard|-|adx_websiteid,adx_profilename||@pacfiles
        C adx_columnpermissionprofileid|uniqueIdentifier|Column Permission Profile|-||||
        C adx_profilename|string|Profile Name|-||||
        C adx_tablename|string|Table Name|-||||
        C adx_allcolumnpermissions|multiChoice|All Column Permissions|-||||
        C adx_websiteid|lookup|Website|-|adx_website|adx_websiteid|@infnav||@pacinf
        C statecode|state|Status|-|||||@pacinf
        C statuscode|status|Status Reason|-|||||@pacinf
        R adx_columnpermissionprofile_webrole|adx_columnpermissionprofile|adx_webrole|adx_columnpermissionprofile_webrole|adx_columnpermissionprofileid|adx_webroleid|adx_columnpermissionprofile_webrole|adx_columnpermissionprofile_webrole|-|pac folders in corpus/pac, column-permission-profiles [V-files]; intersect name [I]

        T adx_columnpermission|Column Permission|adx_columnpermissions|@infset|adx_columnpermissionid|adx_name|standard|-|adx_columnpermissionprofileid,adx_columnlogicalname||@pacinf
        C adx_columnpermissionid|uniqueIdentifier|Column Permission|-||||
        C adx_name|string|Name|-||||
        C adx_columnlogicalname|string|Column Logical Name|-||||
        C adx_columnpermissionprofileid|lookup|Column Permission Profile|-|adx_columnpermissionprofile|adx_columnpermissionprofileid|@infnav||
        C adx_permissions|multiChoice|Permissions|-|||||research/pac-yaml-emission.md (adx_permissions, a multi-select choice) [V-files]
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||

        T adx_cloudflowconsumer|Cloud Flow Consumer|adx_cloudflowconsumers|@infset|adx_cloudflowconsumerid|adx_name|standard|-|adx_websiteid,adx_name||@pacinf
        C adx_cloudflowconsumerid|uniqueIdentifier|Cloud Flow Consumer|-||||
        C adx_name|string|Name|-||||
        C adx_processid|string|Process Id|-||||
        C adx_flowapiurl|string|Flow API URL|-||||
        C adx_flowtriggerurl|string|Flow Trigger URL|-||||
        C adx_metadata|memo|Metadata|-||||
        C adx_websiteid|lookup|Website|-|adx_website|adx_websiteid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||
        R adx_CloudFlowConsumer_adx_webrole|adx_cloudflowconsumer|adx_webrole|adx_cloudflowconsumer_adx_webrole|adx_cloudflowconsumerid|adx_webroleid|adx_CloudFlowConsumer_adx_webrole|adx_CloudFlowConsumer_adx_webrole|-|research/pac-portal-format.md §2, research/emulator-facts.md §4.3 (mixed-case name) [V-files]; intersect name [I]

        T adx_serverlogic|Server Logic|adx_serverlogics|@infset|adx_serverlogicid|adx_name|standard|-|adx_websiteid,adx_name||@pacinf
        C adx_serverlogicid|uniqueIdentifier|Server Logic|-||||
        C adx_name|string|Name|-||||
        C adx_display_name|string|Display Name|-||||
        C adx_description|memo|Description|-||||
        C adx_websiteid|lookup|Website|-|adx_website|adx_websiteid|@infnav||
        C statecode|state|Status|-||||
        C statuscode|status|Status Reason|-||||
        R adx_serverlogic_adx_webrole|adx_serverlogic|adx_webrole|adx_serverlogic_adx_webrole|adx_serverlogicid|adx_webroleid|adx_serverlogic_adx_webrole|adx_serverlogic_adx_webrole|-|research/emulator-facts.md §4.2 [V R26]; intersect name [I]

        T adx_websitebinding|Website Binding|adx_websitebindings|@infset|adx_websitebindingid|adx_name|standard|-|adx_websiteid,adx_sitename||@pacfiles
        C adx_websitebindingid|uniqueIdentifier|Website Binding|-||||
        C adx_name|string|Name|-||||
        C adx_sitename|string|Site Name|-||||
        C adx_websiteid|lookup|Website|-|adx_website|adx_websiteid|@infnav||@pacinf

        T adx_blogpost|Blog Post|adx_blogposts|@infset|adx_blogpostid|adx_name|standard|-|||@lookuptarget
        C adx_blogpostid|uniqueIdentifier|Blog Post|-||||
        C adx_name|string|Name|-||||

        T adx_idea|Idea|adx_ideas|@infset|adx_ideaid|adx_name|standard|-|||@lookuptarget
        C adx_ideaid|uniqueIdentifier|Idea|-||||
        C adx_name|string|Name|-||||

        T adx_communityforumpost|Forum Post|adx_communityforumposts|@infset|adx_communityforumpostid|adx_name|standard|-|||@lookuptarget
        C adx_communityforumpostid|uniqueIdentifier|Forum Post|-||||
        C adx_name|string|Name|-||||

        T adx_invitation|Invitation|adx_invitations|@infset|adx_invitationid|adx_name|standard|-|||@lookuptarget
        C adx_invitationid|uniqueIdentifier|Invitation|-||||
        C adx_name|string|Name|-||||
        """#
}
