"""Development helper: lists YAML keys per table found in the standard-model pac folders of the corpus.
Maps pac file names to tables as in research/pac-portal-format.md §1.2-1.3."""
import os, re, sys, collections, yaml
CORPUS = sys.argv[1] if len(sys.argv) > 1 else '/work/shared/corpus/pac'
FOLDERS = ['book-multilang-2023', 'comet-selfservice-2023', 'ejada-starter-2022', 'medical-webfiles-2023']
TOP = {'website.yml': 'adx_website', 'websitelanguage.yml': 'adx_websitelanguage', 'webrole.yml': 'adx_webrole',
       'websiteaccess.yml': 'adx_websiteaccess', 'webpagerule.yml': 'adx_webpageaccesscontrolrule',
       'sitesetting.yml': 'adx_sitesetting', 'sitemarker.yml': 'adx_sitemarker', 'publishingstate.yml': 'adx_publishingstate',
       'tag.yml': 'adx_tag', 'urlhistory.yml': 'adx_urlhistory', 'ad.yml': 'adx_ad', 'adplacement.yml': 'adx_adplacement',
       'botconsumer.yml': 'adx_botconsumer', 'redirect.yml': 'adx_redirect', 'shortcut.yml': 'adx_shortcut',
       'forumthreadtype.yml': 'adx_forumthreadtype', 'portallanguage.yml': 'adx_portallanguage',
       'websitebinding.yml': 'adx_websitebinding'}
SUFFIX = [('.webpage.yml', 'adx_webpage'), ('.webtemplate.yml', 'adx_webtemplate'), ('.contentsnippet.yml', 'adx_contentsnippet'),
          ('.webfile.yml', 'adx_webfile'), ('.pagetemplate.yml', 'adx_pagetemplate'), ('.list.yml', 'adx_entitylist'),
          ('.tablepermission.yml', 'adx_entitypermission'), ('.basicformmetadata.yml', 'adx_entityformmetadata'),
          ('.basicform.yml', 'adx_entityform'), ('.advancedformmetadata.yml', 'adx_webformmetadata'),
          ('.advancedformstep.yml', 'adx_webformstep'), ('.advancedform.yml', 'adx_webform'),
          ('.weblinkset.weblink.yml', 'adx_weblink'), ('.weblinkset.yml', 'adx_weblinkset'),
          ('.poll.polloption.yml', 'adx_polloption'), ('.poll.yml', 'adx_poll'), ('.pollplacement.yml', 'adx_pollplacement'),
          ('.forum.forumpermission.yml', 'adx_communityforumaccesspermission'), ('.forum.yml', 'adx_communityforum'),
          ('.columnpermissionprofile.columnpermission.yml', 'adx_columnpermission'),
          ('.columnpermissionprofile.yml', 'adx_columnpermissionprofile'), ('.cloudflowconsumer.yml', 'adx_cloudflowconsumer')]
def table_for(name):
    if name in TOP: return TOP[name]
    for s, t in SUFFIX:
        if name.endswith(s): return t
    return None
keys = collections.defaultdict(lambda: collections.defaultdict(list))
for f in FOLDERS:
    for root, dirs, files in os.walk(os.path.join(CORPUS, f)):
        for n in files:
            t = table_for(n)
            if not t: continue
            with open(os.path.join(root, n), encoding='utf-8') as h:
                data = yaml.load(h, Loader=yaml.BaseLoader)
            recs = data if isinstance(data, list) else [data]
            for r in recs:
                if isinstance(r, dict):
                    for k, v in r.items(): keys[t][k].append(v)
for t in sorted(keys):
    print(t)
    for k in sorted(keys[t]):
        vs = keys[t][k]
        print('   ', k, repr(vs[0])[:60], len(vs))
