/// The Mustache templates of the HTML report (`HTMLReport`): one self-contained page, inline CSS, no
/// script, and a Content-Security-Policy that forbids any network fetch (images are `data:` URIs).
/// Every `{{value}}` is HTML-escaped by the template engine; there is no triple-brace (unescaped) tag.
enum HTMLReportTemplate {
    /// A site-map page with its content pages and child pages (recursive partial; depth capped by `SiteMap.maxDepth`).
    static let node = """
        <li class="node {{status}}" data-status="{{status}}" data-path="{{path}}"><div class="row"><span class="badge {{status}}">{{status}}</span> \
        <span class="page-name">{{name}}</span> <code class="path">{{path}}</code></div>\
        {{^empty(contentPages)}}<ul class="content-pages">{{#contentPages}}<li class="cp {{status}}" data-status="{{status}}">\
        <span class="lang">{{language}}</span> <span class="cp-title">{{title}}</span> <span class="badge small {{status}}">{{status}}</span></li>{{/contentPages}}</ul>{{/empty(contentPages)}}\
        {{^empty(children)}}<ul class="children">{{#children}}{{> node}}{{/children}}</ul>{{/empty(children)}}</li>
        """

    /// The page: heading, verdict, counts, legend, site map, records by table, N:N links, web files,
    /// values expected to differ, and what was not compared.
    static let page = """
        <!DOCTYPE html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
        <title>{{title}}: {{subtitle}}</title>
        <style>
        :root { --added:#1a7f37; --added-bg:#dafbe1; --removed:#cf222e; --removed-bg:#ffebe9; --changed:#9a6700; --changed-bg:#fff8c5;
                --same:#57606a; --same-bg:#f6f8fa; --info:#0969da; --info-bg:#ddf4ff; --border:#d0d7de; --text:#1f2328; }
        * { box-sizing: border-box; }
        body { font: 14px/1.5 -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", Helvetica, Arial, sans-serif; color: var(--text);
               margin: 0; background: #fff; }
        main { max-width: 1200px; margin: 0 auto; padding: 24px 32px 48px; }
        header.top { border-bottom: 1px solid var(--border); padding-bottom: 12px; margin-bottom: 16px; }
        h1 { font-size: 26px; margin: 0 0 4px; }
        h2 { font-size: 19px; margin: 32px 0 12px; padding-bottom: 6px; border-bottom: 1px solid var(--border); }
        h3 { font-size: 15px; margin: 20px 0 8px; font-family: ui-monospace, "DejaVu Sans Mono", Menlo, Consolas, monospace; }
        .sub { margin: 0; font-size: 15px; color: #424a53; } .gen { margin: 2px 0 0; color: var(--same); font-size: 12px; }
        .verdict { padding: 12px 16px; border-radius: 8px; font-weight: 600; font-size: 15px; margin: 16px 0; border: 1px solid; }
        .verdict.ok { background: var(--added-bg); color: var(--added); border-color: #aceebb; }
        .verdict.bad { background: var(--changed-bg); color: #7d4e00; border-color: #eac54f; }
        .cards { display: flex; flex-wrap: wrap; gap: 10px; margin: 12px 0; }
        .card { flex: 1 1 130px; border: 1px solid var(--border); border-radius: 8px; padding: 10px 12px; border-top-width: 4px; }
        .card .n { display: block; font-size: 24px; font-weight: 700; } .card .l { color: #424a53; font-size: 12px; }
        .card.added { border-top-color: var(--added); } .card.removed { border-top-color: var(--removed); }
        .card.changed { border-top-color: var(--changed); } .card.same { border-top-color: var(--same); } .card.info { border-top-color: var(--info); }
        .legend { color: #424a53; font-size: 13px; } .legend .item { margin-right: 14px; }
        .badge { display: inline-block; min-width: 64px; text-align: center; font-size: 11px; font-weight: 600; text-transform: uppercase;
                 letter-spacing: .03em; padding: 1px 6px; border-radius: 10px; border: 1px solid; vertical-align: 1px; }
        .badge.small { min-width: 0; font-size: 10px; }
        article.record .badge, tr.link .badge { text-transform: none; font-size: 11.5px; letter-spacing: 0; }
        .badge.added { color: var(--added); background: var(--added-bg); } .badge.removed { color: var(--removed); background: var(--removed-bg); }
        .badge.changed { color: var(--changed); background: var(--changed-bg); } .badge.same { color: var(--same); background: var(--same-bg); }
        ul.tree, ul.tree ul { list-style: none; margin: 0; padding-left: 22px; }
        ul.tree { padding-left: 0; }
        ul.tree ul.children { border-left: 1px dashed var(--border); margin-left: 8px; padding-left: 18px; }
        .node > .row { padding: 3px 0; } .page-name { font-weight: 600; } .path { color: var(--same); font-size: 12px; }
        .node.removed > .row .page-name { text-decoration: line-through; color: var(--removed); }
        .node.added > .row .page-name { color: var(--added); }
        ul.content-pages { padding-left: 30px; font-size: 12.5px; color: #424a53; }
        .lang { display: inline-block; min-width: 70px; color: var(--info); }
        section.table { border: 1px solid var(--border); border-radius: 8px; padding: 4px 16px 12px; margin: 14px 0; }
        .tsum { font: 12px sans-serif; color: var(--same); font-weight: normal; margin-left: 8px; }
        article.record { border-top: 1px solid #eaeef2; padding: 10px 0; }
        article.record > header { margin-bottom: 6px; } .key { font-family: ui-monospace, "DejaVu Sans Mono", monospace; }
        .name { color: #424a53; } .ids { color: #8c959f; font-size: 11px; margin-left: 6px; }
        table { border-collapse: collapse; width: 100%; }
        table.cols th, table.cols td { border: 1px solid var(--border); padding: 4px 8px; vertical-align: top; text-align: left; }
        table.cols thead th { background: var(--same-bg); font-size: 12px; }
        table.cols tbody th { width: 18%; font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: 12px; font-weight: 600; }
        td.v { width: 41%; } td.src pre { background: var(--removed-bg); } td.tgt pre { background: var(--added-bg); }
        pre { margin: 0; white-space: pre-wrap; word-break: break-word; font: 12px/1.45 ui-monospace, "DejaVu Sans Mono", Menlo, monospace; padding: 2px 4px; border-radius: 4px; }
        em.empty { color: #8c959f; }
        table.diff td { border: 0; padding: 0 6px; } table.diff td.ln { width: 38px; color: #8c959f; text-align: right; font: 11px ui-monospace, monospace; user-select: none; }
        table.diff tr.removed { background: var(--removed-bg); } table.diff tr.added { background: var(--added-bg); }
        table.diff tr.removed td.code pre::before { content: "− "; color: var(--removed); } table.diff tr.added td.code pre::before { content: "+ "; color: var(--added); }
        table.diff tr.context td.code pre::before { content: "  "; } table.diff tr.gap td { color: #8c959f; font-style: italic; background: var(--same-bg); }
        table.list th, table.list td { border-bottom: 1px solid #eaeef2; padding: 6px 8px; text-align: left; vertical-align: top; }
        table.list th { font-size: 12px; background: var(--same-bg); }
        .hash { font: 11px ui-monospace, monospace; color: #57606a; word-break: break-all; }
        img.thumb { max-width: 96px; max-height: 64px; border: 1px solid var(--border); border-radius: 4px; background:
                    repeating-conic-gradient(#eee 0% 25%, #fff 0% 50%) 50% / 12px 12px; display: block; margin-top: 4px; }
        details { margin: 10px 0; } summary { cursor: pointer; color: var(--info); }
        ul.notes { color: #424a53; font-size: 13px; } .problems { border: 1px solid #ff8182; background: var(--removed-bg); border-radius: 8px; padding: 8px 16px; }
        footer { margin-top: 40px; color: #8c959f; font-size: 12px; }
        </style>
        </head>
        <body>
        <main>
        <header class="top"><h1 id="title">{{title}}</h1><p class="sub" id="subtitle">{{subtitle}}</p><p class="gen">Generated {{generated}} by portal-migrate</p></header>
        <div class="verdict {{verdictClass}}" id="verdict">{{verdict}}</div>
        <section class="cards" id="counts">{{#counts}}<div class="card {{cls}}" data-count="{{key}}"><span class="n">{{value}}</span><span class="l">{{label}}</span></div>{{/counts}}</section>
        <p class="legend">{{#legend}}<span class="item"><span class="badge {{cls}}">{{cls}}</span> {{text}}</span>{{/legend}}</p>
        {{^empty(problems)}}<section class="problems" id="problems"><h2>Problems</h2><ul>{{#problems}}<li>{{.}}</li>{{/problems}}</ul></section>{{/empty(problems)}}
        <section id="site-map"><h2>Site map</h2>
        {{^empty(siteMap)}}<ul class="tree">{{#siteMap}}{{> node}}{{/siteMap}}</ul>{{/empty(siteMap)}}{{#empty(siteMap)}}<p><em class="empty">No web pages on either side.</em></p>{{/empty(siteMap)}}
        </section>
        <section id="tables"><h2>Records by table</h2>
        {{#empty(tables)}}<p><em class="empty">No record differs.</em></p>{{/empty(tables)}}
        {{#tables}}<section class="table" data-table="{{table}}"><h3>{{table}}<span class="tsum">{{summary}}</span></h3>
        {{#records}}<article class="record {{status}}" data-status="{{status}}"><header><span class="badge {{status}}">{{statusText}}</span> <strong class="key">{{key}}</strong>\
        {{^empty(name)}} <span class="name">“{{name}}”</span>{{/empty(name)}}<code class="ids">{{ids}}</code></header>
        {{^empty(columns)}}<table class="cols"><thead><tr><th>column</th><th>{{sourceLabel}}</th><th>{{targetLabel}}</th></tr></thead><tbody>
        {{#columns}}<tr data-column="{{column}}"><th>{{column}}</th>{{#empty(lines)}}\
        <td class="v src">{{#sourceEmpty}}<em class="empty">(empty)</em>{{/sourceEmpty}}{{^sourceEmpty}}<pre>{{source}}</pre>{{/sourceEmpty}}</td>\
        <td class="v tgt">{{#targetEmpty}}<em class="empty">(empty)</em>{{/targetEmpty}}{{^targetEmpty}}<pre>{{target}}</pre>{{/targetEmpty}}</td>{{/empty(lines)}}\
        {{^empty(lines)}}<td colspan="2" class="linediff"><table class="diff">{{#lines}}<tr class="{{cls}}"><td class="ln">{{sourceNumber}}</td><td class="ln">{{targetNumber}}</td><td class="code"><pre>{{text}}</pre></td></tr>{{/lines}}</table></td>{{/empty(lines)}}</tr>
        {{/columns}}</tbody></table>{{/empty(columns)}}
        </article>{{/records}}
        </section>{{/tables}}
        </section>
        <section id="links"><h2>N:N links</h2>
        {{#empty(links)}}<p><em class="empty">No N:N link differs.</em></p>{{/empty(links)}}
        {{^empty(links)}}<table class="list"><thead><tr><th></th><th>relationship</th><th>record</th><th>linked record</th></tr></thead><tbody>
        {{#links}}<tr class="link {{status}}" data-status="{{status}}"><td><span class="badge {{status}}">{{statusText}}</span></td><td><code>{{relationship}}</code></td><td>{{first}}</td><td>{{second}}</td></tr>
        {{/links}}</tbody></table>{{/empty(links)}}
        </section>
        <section id="web-files"><h2>Web files</h2>
        {{#empty(webFiles)}}<p><em class="empty">No web file differs.</em></p>{{/empty(webFiles)}}
        {{^empty(webFiles)}}<table class="list"><thead><tr><th></th><th>web file</th><th>{{sourceLabel}}</th><th>{{targetLabel}}</th></tr></thead><tbody>
        {{#webFiles}}{{> webfile}}{{/webFiles}}</tbody></table>{{/empty(webFiles)}}
        {{^empty(sameWebFiles)}}<details><summary>{{count(sameWebFiles)}} web file(s) the same on both sides</summary><table class="list"><tbody>{{#sameWebFiles}}{{> webfile}}{{/sameWebFiles}}</tbody></table></details>{{/empty(sameWebFiles)}}
        </section>
        {{#showExpected}}<section id="expected"><h2>Expected to differ</h2>
        <p class="legend">Bound to one environment (website bindings, the website's domain, site settings backed by environment variables, values a deployment profile sets): shown, never a failure.</p>
        {{#empty(expected)}}<p><em class="empty">Nothing.</em></p>{{/empty(expected)}}
        {{^empty(expected)}}<table class="list"><thead><tr><th>why</th><th>record</th><th>column</th><th>{{sourceLabel}}</th><th>{{targetLabel}}</th></tr></thead><tbody>
        {{#expected}}<tr class="expected"><td>{{reason}}</td><td><code>{{table}}</code> {{name}}</td><td><code>{{column}}</code></td><td><pre>{{source}}</pre></td><td><pre>{{target}}</pre></td></tr>
        {{/expected}}</tbody></table>{{/empty(expected)}}
        </section>{{/showExpected}}
        {{^empty(notes)}}<section id="notes"><details><summary>Not compared or left out ({{count(notes)}})</summary><ul class="notes">{{#notes}}<li>{{.}}</li>{{/notes}}</ul></details></section>{{/empty(notes)}}
        <footer>portal-migrate · {{title}} · self-contained page: no script, no network.</footer>
        </main>
        </body>
        </html>

        """

    /// A web file row: status, name and path, then each side's size, hash and thumbnail.
    static let webfile = """
        <tr class="webfile {{status}}" data-status="{{status}}"><td><span class="badge {{status}}">{{status}}</span></td><td><strong>{{name}}</strong><br><code class="path">{{path}}</code></td>\
        <td>{{sourceSize}}<div class="hash">{{sourceHash}}</div>{{^empty(sourceThumbnail)}}<img class="thumb" alt="{{name}} in {{sourceLabel}}" src="{{sourceThumbnail}}">{{/empty(sourceThumbnail)}}</td>\
        <td>{{targetSize}}<div class="hash">{{targetHash}}</div>{{^empty(targetThumbnail)}}<img class="thumb" alt="{{name}} in {{targetLabel}}" src="{{targetThumbnail}}">{{/empty(targetThumbnail)}}</td></tr>
        """
}
