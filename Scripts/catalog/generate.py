#!/usr/bin/env python3
"""Generates Sources/PortalModel/Catalog/CatalogData+Schemas.swift: the catalog text of every table
in Microsoft's six portal CMT schema files, merged, in the project's own line format (see
Sources/PortalModel/Catalog/CATALOG.md), plus the curated facts the schema files do not hold
(entity set names, navigation property names, natural keys, memo columns), each with its source.

It also rewrites the "to confirm on a real environment" list in CATALOG.md from the names whose
source is inferred ([I]) here and in the hand-written catalog files.

Development-time only; the binary never reads Microsoft's XML.

    python3 Scripts/catalog/generate.py [/path/to/shared]
"""
import os, re, sys, glob, collections
import xml.etree.ElementTree as ET

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
SHARED = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(REPO), 'shared')
SCHEMAS = os.path.join(SHARED, 'corpus', 'cmt', 'schemas', 'microsoft')
OUT = os.path.join(REPO, 'Sources', 'PortalModel', 'Catalog', 'CatalogData+Schemas.swift')
DOC = os.path.join(REPO, 'Sources', 'PortalModel', 'Catalog', 'CATALOG.md')

# Portal types in PortalType.allCases order, with their one-letter codes in the catalog text.
PORTAL_TYPES = [('c', 'Custom_Portal.xml'), ('s', 'CommonDataService_Starter_Portal.xml'),
                ('m', 'Community_Portal.xml'), ('x', 'Customer_SelfService_Portal.xml'),
                ('p', 'Partner_Portal.xml'), ('e', 'Employee_SelfService_Portal.xml')]

V17 = '@s17'   # research/dataverse-webapi.md §11.2 [V S17]
VSC = '@vsc'   # research/dataverse-webapi.md §11.2 [V S17, S18 portalSchema.ts]
NAV13 = '@nav13'  # research/dataverse-webapi.md §1.3 [V S17] mixed-case navigation names
INF_SET = '@infset'  # [I] pluralised logical name
INF_NAV = '@infnav'  # [I] navigation name assumed equal to the lookup's logical name

# Entity set names: (name, source). research/dataverse-webapi.md §11.2.
ENTITY_SETS = {
    'adx_website': ('adx_websites', VSC), 'adx_websitelanguage': ('adx_websitelanguages', VSC),
    'adx_portallanguage': ('adx_portallanguages', VSC), 'adx_publishingstate': ('adx_publishingstates', V17),
    'adx_publishingstatetransitionrule': ('adx_publishingstatetransitionrules', '@s17i'),
    'adx_webtemplate': ('adx_webtemplates', VSC), 'adx_pagetemplate': ('adx_pagetemplates', V17),
    'adx_webpage': ('adx_webpages', VSC), 'adx_webfile': ('adx_webfiles', VSC),
    'adx_contentsnippet': ('adx_contentsnippets', VSC), 'adx_sitesetting': ('adx_sitesettings', '@s17i'),
    'adx_sitemarker': ('adx_sitemarkers', V17), 'adx_weblinkset': ('adx_weblinksets', V17),
    'adx_weblink': ('adx_weblinks', V17), 'adx_webrole': ('adx_webroles', V17),
    'adx_entitypermission': ('adx_entitypermissions', V17),
    'adx_webpageaccesscontrolrule': ('adx_webpageaccesscontrolrules', V17),
    'adx_websiteaccess': ('adx_websiteaccesses', '@s17i'), 'adx_entityform': ('adx_entityforms', VSC),
    'adx_entityformmetadata': ('adx_entityformmetadatas', '@s17i'), 'adx_entitylist': ('adx_entitylists', VSC),
    'adx_webform': ('adx_webforms', VSC), 'adx_webformstep': ('adx_webformsteps', VSC),
    'adx_webformmetadata': ('adx_webformmetadatas', '@s17i'), 'adx_redirect': ('adx_redirects', V17),
    'adx_pollplacement': ('adx_pollplacements', V17), 'adx_ad': ('adx_ads', '@s17i'),
    'adx_adplacement': ('adx_adplacements', '@s17i'), 'annotation': ('annotations', V17),
    'adx_urlhistory': ('adx_urlhistories', INF_SET),
}

# Lookups listed in research/dataverse-webapi.md §11.2 (navigation name = column name unless in NAV_MIXED).
S17_LOOKUPS = {
    'adx_website': 'adx_parentwebsiteid adx_headerwebtemplateid adx_footerwebtemplateid adx_defaultlanguage',
    'adx_websitelanguage': 'adx_websiteid adx_portallanguageid adx_publishingstate',
    'adx_publishingstate': 'adx_websiteid',
    'adx_publishingstatetransitionrule': 'adx_websiteid adx_fromstate_publishingstateid adx_tostate_publishingstateid',
    'adx_webtemplate': 'adx_websiteid', 'adx_pagetemplate': 'adx_websiteid adx_webtemplateid',
    'adx_webpage': 'adx_websiteid adx_parentpageid adx_rootwebpageid adx_masterwebpageid adx_pagetemplateid '
                   'adx_publishingstateid adx_webpagelanguageid adx_image adx_navigation adx_entityform '
                   'adx_entitylist adx_webform adx_authorid adx_subjectid',
    'adx_webfile': 'adx_websiteid adx_parentpageid adx_publishingstateid adx_masterwebfileid adx_subjectid',
    'adx_contentsnippet': 'adx_websiteid adx_contentsnippetlanguageid',
    'adx_sitemarker': 'adx_websiteid adx_pageid',
    'adx_weblinkset': 'adx_websiteid adx_publishingstateid adx_websitelanguageid',
    'adx_weblink': 'adx_weblinksetid adx_parentweblinkid adx_pageid adx_publishingstateid',
    'adx_webrole': 'adx_websiteid', 'adx_entitypermission': 'adx_websiteid adx_parententitypermission',
    'adx_webpageaccesscontrolrule': 'adx_websiteid adx_webpageid', 'adx_websiteaccess': 'adx_websiteid',
    'adx_entityform': 'adx_websiteid adx_redirectwebpage', 'adx_entityformmetadata': 'adx_entityform adx_entityformforcreate',
    'adx_entitylist': 'adx_websiteid adx_webpageforcreate adx_webpagefordetailsview',
    'adx_webform': 'adx_websiteid adx_startstep',
    'adx_webformstep': 'adx_webform adx_nextstep adx_previousstep adx_conditiondefaultnextstep adx_entitysourcestep '
                       'adx_referenceentitystep adx_redirectwebpage',
    'adx_webformmetadata': 'adx_webformstep adx_entityformforcreate',
    'adx_redirect': 'adx_websiteid adx_webpageid adx_sitemarkerid', 'adx_pollplacement': 'adx_websiteid adx_webtemplateid',
    'adx_ad': 'adx_websiteid adx_webpageid adx_webfileid adx_redirectwebfileid adx_publishingstateid adx_webtemplateid',
}
NAV_MIXED = {
    ('adx_websitelanguage', 'adx_websiteid'): 'adx_WebsiteId',
    ('adx_websitelanguage', 'adx_portallanguageid'): 'adx_PortalLanguageId',
    ('adx_websitelanguage', 'adx_publishingstate'): 'adx_PublishingState',
    ('adx_website', 'adx_defaultlanguage'): 'adx_DefaultLanguage',
    ('adx_publishingstatetransitionrule', 'adx_websiteid'): 'adx_WebsiteId',
    ('adx_publishingstatetransitionrule', 'adx_fromstate_publishingstateid'): 'adx_FromState_PublishingStateId',
    ('adx_publishingstatetransitionrule', 'adx_tostate_publishingstateid'): 'adx_ToState_PublishingStateId',
}

# Natural keys for matching across environments (the project's design; see CATALOG.md "Natural keys").
W = 'adx_websiteid'
NATURAL_KEYS = {
    'adx_website': ['adx_name'],
    'adx_websitelanguage': [W, 'adx_portallanguageid'],
    'adx_portallanguage': ['adx_lcid'],
    'adx_webpage': [W, 'adx_parentpageid', 'adx_partialurl', 'adx_webpagelanguageid'],
    'adx_webfile': [W, 'adx_parentpageid', 'adx_partialurl'],
    'adx_contentsnippet': [W, 'adx_name', 'adx_contentsnippetlanguageid'],
    'adx_weblinkset': [W, 'adx_name', 'adx_websitelanguageid'],
    'adx_weblink': ['adx_weblinksetid', 'adx_parentweblinkid', 'adx_name'],
    'adx_entitypermission': [W, 'adx_entityname'],
    'adx_webpageaccesscontrolrule': [W, 'adx_webpageid', 'adx_name'],
    'adx_entityformmetadata': ['adx_entityform', 'adx_type', 'adx_attributelogicalname', 'adx_tabname',
                               'adx_sectionname', 'adx_subgrid_name'],
    'adx_webformmetadata': ['adx_webformstep', 'adx_type', 'adx_attributelogicalname', 'adx_tabname',
                            'adx_sectionname', 'adx_subgrid_name'],
    'adx_webformstep': ['adx_webform', 'adx_name'],
    'adx_polloption': ['adx_pollid', 'adx_name'],
    'adx_redirect': [W, 'adx_inboundurl'],
    'adx_shortcut': [W, 'adx_parentpage_webpageid', 'adx_name'],
    'adx_urlhistory': [W, 'adx_webpageid', 'adx_name'],
    'adx_communityforum': [W, 'adx_parentpageid', 'adx_partialurl', 'adx_websitelanguageid'],
    'adx_blog': [W, 'adx_parentpageid', 'adx_partialurl', 'adx_websitelanguageid'],
    'adx_ideaforum': [W, 'adx_partialurl', 'adx_websitelanguageid'],
    'adx_communityforumaccesspermission': ['adx_forumid', 'adx_name'],
    'adx_communityforumannouncement': ['adx_forumid', 'adx_name'],
    'adx_contentaccesslevel': ['adx_name'],
    'adx_setting': ['adx_name'],
    'adx_webnotificationurl': ['adx_name'],
    'annotation': ['objectid', 'filename'],
}
# Tables whose natural key is website + primary name (the brief's list plus the others with a website lookup).
WEBSITE_NAME_KEY = ['adx_sitesetting', 'adx_webtemplate', 'adx_pagetemplate', 'adx_webrole', 'adx_publishingstate',
                    'adx_sitemarker', 'adx_websiteaccess', 'adx_publishingstatetransitionrule', 'adx_entityform',
                    'adx_entitylist', 'adx_webform', 'adx_pollplacement', 'adx_adplacement', 'adx_ad', 'adx_poll',
                    'adx_tag', 'adx_forumthreadtype']

# Long-text columns. CMT writes `string` for both String and Memo, so this is not in the schema files.
MEMO = {
    'adx_webpage': 'adx_copy adx_summary adx_customcss adx_customjavascript',
    'adx_webtemplate': 'adx_source', 'adx_contentsnippet': 'adx_value',
    'adx_entityform': 'adx_registerstartupscript', 'adx_entitylist': 'adx_registerstartupscript adx_settings adx_views',
    'adx_webformstep': 'adx_registerstartupscript', 'annotation': 'documentbody notetext',
}
ENTITY_NAME_COLUMNS = {('annotation', 'objecttypecode')}
# Polymorphic lookups: the target whose navigation property the column carries (notes hold web file content).
POLY_PRIMARY = {('annotation', 'objectid'): 'adx_webfile'}

# N:N navigation names: the relationship schema name on both sides (research/dataverse-webapi.md §1.3 [V S17]).
S17_RELATIONSHIPS = {'adx_entitypermission_webrole', 'adx_webpageaccesscontrolrule_webrole', 'adx_websiteaccess_webrole',
                     'adx_publishingstatetransitionrule_webrole', 'adx_accesscontrolrule_publishingstate',
                     'adx_webrole_contact', 'adx_webrole_account', 'adx_webrole_systemuser', 'adx_adplacement_ad',
                     'adx_pollplacement_poll', 'adx_pagetag_webpage'}

TYPE_MAP = {'string': 'string', 'number': 'integer', 'bigint': 'bigInt', 'decimal': 'decimal', 'float': 'double',
            'money': 'money', 'bool': 'boolean', 'datetime': 'dateTime', 'guid': 'uniqueIdentifier',
            'optionsetvalue': 'choice', 'optionsetvaluecollection': 'multiChoice', 'entityreference': 'lookup',
            'owner': 'owner', 'state': 'state', 'status': 'status'}


def esc(s):
    if s is None:
        return ''
    if '|' in s or '\n' in s:
        raise SystemExit('unexpected | or newline in %r' % s)
    return s


def main():
    files = {code: ET.parse(os.path.join(SCHEMAS, name)).getroot() for code, name in PORTAL_TYPES}
    codes = [c for c, _ in PORTAL_TYPES]
    tables = collections.OrderedDict()  # name -> info
    entity_orders = {}
    for code in codes:
        entity_orders[code] = []
        for ent in files[code]:
            name = ent.get('name')
            entity_orders[code].append(name)
            t = tables.setdefault(name, {'attrs': dict(ent.attrib), 'types': [], 'fields': collections.OrderedDict(),
                                         'fieldorder': {}, 'rels': collections.OrderedDict()})
            if dict(ent.attrib) != t['attrs']:
                raise SystemExit('entity attributes differ for ' + name)
            t['types'].append(code)
            order = []
            for f in ent.find('fields'):
                fname = f.get('name')
                order.append(fname)
                attrs = dict(f.attrib)
                lookup = attrs.pop('lookupType', None)
                fi = t['fields'].setdefault(fname, {'attrs': attrs, 'types': [], 'lookups': {}})
                if attrs != fi['attrs']:
                    raise SystemExit('field attributes differ for %s.%s' % (name, fname))
                fi['types'].append(code)
                fi['lookups'][code] = lookup
            t['fieldorder'][code] = order
            rorder = []
            for r in ent.find('relationships'):
                rname = r.get('name')
                rorder.append(rname)
                ri = t['rels'].setdefault(rname, {'attrs': dict(r.attrib), 'types': []})
                if dict(r.attrib) != ri['attrs']:
                    raise SystemExit('relationship attributes differ for ' + rname)
                ri['types'].append(code)
            known = list(t['rels'])
            if [x for x in known if x in rorder] != rorder:
                raise SystemExit('relationship order differs for ' + name)

    def pt(types):
        s = ''.join(c for c in codes if c in types)
        return '*' if s == ''.join(codes) else (s or '-')

    lines = []
    for name, t in sorted(tables.items()):
        a = t['attrs']
        es, es_src = ENTITY_SETS.get(name, (name + 's', INF_SET))
        if name in NATURAL_KEYS:
            key = NATURAL_KEYS[name]
        elif name in WEBSITE_NAME_KEY:
            key = [W, a['primarynamefield']]
        else:
            raise SystemExit('no natural key for ' + name)
        for k in key:
            if k not in t['fields']:
                raise SystemExit('natural key column %s.%s not in schema' % (name, k))
        flags = ['etc=' + a['etc']]
        if a.get('disableplugins') == 'true':
            flags.append('plugins')
        if a.get('skipupdate') == 'true':
            flags.append('skipupdate')
        model = 'system' if not name.startswith('adx_') else 'standard'
        lines.append('T %s|%s|%s|%s|%s|%s|%s|%s|%s|%s|@cmt' % (
            name, esc(a['displayname']), es, es_src, a['primaryidfield'], a['primarynamefield'], model,
            pt(t['types']), ','.join(key), ','.join(flags)))
        memo = set(MEMO.get(name, '').split())
        s17 = set(S17_LOOKUPS.get(name, '').split())
        catalog_order = list(t['fields'])
        for fname, fi in t['fields'].items():
            fa = fi['attrs']
            typ = TYPE_MAP[fa['type']]
            if fname in memo:
                if typ != 'string':
                    raise SystemExit('memo column %s.%s is %s' % (name, fname, typ))
                typ = 'memo'
            if (name, fname) in ENTITY_NAME_COLUMNS:
                typ = 'entityName'
            lookups = [l for l in fi['lookups'].values() if l]
            targets = []
            for l in fi['lookups'].values():
                for x in (l or '').split('|'):
                    if x and x not in targets:
                        targets.append(x)
            nav, nav_src = '', ''
            if typ in ('lookup', 'owner'):
                if len(targets) > 1:
                    # Polymorphic: one navigation property per target; the column carries the one of
                    # the portal's main target so a plain name lookup finds it.
                    nav, nav_src = '%s_%s' % (fname, POLY_PRIMARY[(name, fname)]), '@poly'
                elif (name, fname) in NAV_MIXED:
                    nav, nav_src = NAV_MIXED[(name, fname)], NAV13
                elif fname in s17:
                    nav, nav_src = fname, V17
                else:
                    nav, nav_src = fname, INF_NAV
            fl = ''
            if fa.get('updateCompare') == 'true':
                fl += 'u'
            if fa.get('primaryKey') == 'true':
                fl += 'k'
            if fa.get('customfield') == 'true':
                fl += 'c'
            lines.append('C %s|%s|%s|%s|%s|%s|%s|%s|' % (fname, typ, esc(fa['displayname']), pt(fi['types']),
                                                          ','.join(targets), nav, nav_src, fl))
            # Per-portal-type lookup targets when they differ from the union.
            if len(set(lookups)) > 1:
                for code in codes:
                    if code in fi['lookups'] and fi['lookups'][code] and fi['lookups'][code].split('|') != targets:
                        lines.append('L %s|%s' % (code, fi['lookups'][code].replace('|', ',')))
        for rname, ri in t['rels'].items():
            ra = ri['attrs']
            if ra.get('manyToMany') != 'true' or ra.get('isreflexive') != 'false':
                raise SystemExit('unexpected relationship kind ' + rname)
            other = ra['m2mTargetEntity']
            rsrc = V17 if rname in S17_RELATIONSHIPS else '@cmtrel'
            lines.append('R %s|%s|%s|%s|%s|%s|%s|%s|%s|%s' % (
                rname, name, other, ra['relatedEntityName'], a['primaryidfield'], ra['m2mTargetEntityPrimaryKey'],
                rname, rname, pt(ri['types']), rsrc))
        for code in codes:
            if code in t['fieldorder']:
                fo = t['fieldorder'][code]
                if [x for x in catalog_order if x in fo] != fo:
                    lines.append('F %s|%s' % (code, ','.join(fo)))
    for code in codes:
        lines.append('O %s|%s' % (code, ','.join(entity_orders[code])))

    body = '\n'.join(lines)
    swift = '''// GENERATED by Scripts/catalog/generate.py from the facts of Microsoft's six portal CMT schema files
// (corpus/cmt/schemas/microsoft) and research/dataverse-webapi.md §1.3, §11.2. Do not edit by hand:
// change the script and run it again. The line format is described in CATALOG.md.

extension CatalogData {
    /// Every table of Microsoft's six portal schema files, merged, in the catalog line format.
    static let schemaTables = #"""
%s
"""#
}
''' % body
    with open(OUT, 'w', encoding='utf-8') as h:
        h.write(swift)
    print('wrote', OUT, len(lines), 'lines,', len(tables), 'tables')


def write_doc():
    """Rewrites the section of CATALOG.md after '## To confirm on a real environment' from every
    entity set, navigation and N:N name whose source is inferred ([I]) in all catalog blocks."""
    catalog_dir = os.path.dirname(OUT)
    texts = []
    for path in sorted(glob.glob(os.path.join(catalog_dir, 'CatalogData*.swift'))):
        src = open(path, encoding='utf-8').read()
        texts += re.findall(r'#"""\n(.*?)\n"""#', src, re.S)
    sources = {}
    for text in texts:
        for line in text.split('\n'):
            if line.startswith('S '):
                k, v = line[2:].split('|', 1)
                sources[k] = v
    def expand(s):
        return sources.get(s[1:], s) if s.startswith('@') else s
    sets, navs, rels = [], [], []
    for text in texts:
        current = None
        for line in text.split('\n'):
            if not line or line.startswith('#'):
                continue
            kind, body = line[0], line[2:]
            f = body.split('|')
            if kind == 'T':
                current = f[0]
                if '[I]' in expand(f[3]):
                    sets.append('- `%s` — entity set of `%s` (%s)' % (f[2], f[0], expand(f[3])))
            elif kind == '+':
                current = body
            elif kind == 'C' and f[1] in ('lookup', 'owner') and f[5] and '[I]' in expand(f[6]):
                navs.append('- `%s.%s` → %s' % (current, f[5], f[4]))
            elif kind == 'R' and '[I]' in expand(f[9]):
                rels.append('- `%s` (%s ↔ %s; intersect `%s`)' % (f[0], f[1], f[2], f[3]))
    marker = '## To confirm on a real environment'
    doc = open(DOC, encoding='utf-8').read()
    head = doc.split(marker)[0]
    body = marker + '''

Generated by `Scripts/catalog/generate.py` from the catalog blocks: every name whose source is
inferred ([I]). Against a real environment the Web API client reads these names from metadata
(`EntityDefinitions`, `ManyToManyRelationships`, `ReferencingEntityNavigationPropertyName`); the
catalog's are the fallback and the embedded environment's names.

### Entity set names (%d)

%s

### Single-valued navigation properties (%d), as `table.navigation` → target

%s

### N:N relationships whose navigation or intersect name is inferred (%d)

%s
''' % (len(sets), '\n'.join(sets), len(navs), '\n'.join(navs), len(rels), '\n'.join(rels))
    open(DOC, 'w', encoding='utf-8').write(head + body)
    print('wrote', DOC, len(sets), 'sets', len(navs), 'navigations', len(rels), 'relationships')


if __name__ == '__main__':
    main()
    write_doc()
