/// The one style sheet of report.html, inlined so the file works offline and alone (an artifact
/// downloaded from CI, a mail attachment). System fonts only; colours carry meaning (green
/// passed, red failed, amber error, grey skipped) but every verdict is also written in words, so
/// the report reads the same in black and white. No `<` or `&` here: the page stays valid XML.
enum HTMLStyle {
    static let css = """
    :root { --ink: #1f2328; --muted: #57606a; --line: #d0d7de; --soft: #f6f8fa;
      --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9;
      --err: #9a6700; --err-bg: #fff8c5; --skip: #57606a; --skip-bg: #eaeef2; --link: #0969da; }
    * { box-sizing: border-box; }
    body { margin: 0; color: var(--ink); background: #fff;
      font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
    .page { max-width: 1120px; margin: 0 auto; padding: 28px 28px 56px; }
    a { color: var(--link); text-decoration: none; }
    a:hover { text-decoration: underline; }
    h1 { font-size: 26px; margin: 0; line-height: 1.25; }
    h1 .mono { font-size: 24px; }
    h2 { font-size: 21px; margin: 0; line-height: 1.3; }
    h3 { font-size: 16px; margin: 0; }
    code, pre, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, "Liberation Mono", monospace; font-size: 12.5px; }
    pre { background: var(--soft); border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; margin: 4px 0 0;
      white-space: pre-wrap; overflow-wrap: anywhere; max-height: 520px; overflow: auto; line-height: 1.45; }
    .muted { color: var(--muted); }
    .sub { color: var(--muted); font-size: 13px; }

    header.run { border-bottom: 1px solid var(--line); padding-bottom: 18px; margin-bottom: 22px; }
    header.run .kicker { text-transform: uppercase; letter-spacing: .08em; font-size: 12px; color: var(--muted); font-weight: 600; }
    .banner { margin: 16px 0 14px; padding: 12px 16px; border-radius: 8px; border-left: 6px solid; font-size: 16px; }
    .banner strong { font-size: 18px; }
    .banner.passed { border-color: var(--pass); background: var(--pass-bg); }
    .banner.failed { border-color: var(--fail); background: var(--fail-bg); }
    .banner.error { border-color: var(--err); background: var(--err-bg); }
    .counts { display: flex; flex-wrap: wrap; gap: 8px; margin: 10px 0 16px; }
    .count { border: 1px solid var(--line); border-radius: 8px; padding: 6px 14px; min-width: 96px; }
    .count b { display: block; font-size: 22px; line-height: 1.2; }
    .count.passed b { color: var(--pass); } .count.failed b { color: var(--fail); }
    .count.error b { color: var(--err); } .count.skipped b, .count.not-judged b { color: var(--skip); }
    table.meta { border-collapse: collapse; font-size: 14px; }
    table.meta th { text-align: left; font-weight: 600; color: var(--muted); padding: 2px 18px 2px 0; vertical-align: top; white-space: nowrap; }
    table.meta td { padding: 2px 0; overflow-wrap: anywhere; }

    .badge { display: inline-block; min-width: 5.6em; text-align: center; padding: 0 8px; border-radius: 999px;
      font-size: 11.5px; font-weight: 700; text-transform: uppercase; letter-spacing: .04em; line-height: 20px; }
    .badge.passed { color: var(--pass); background: var(--pass-bg); }
    .badge.failed { color: #fff; background: var(--fail); }
    .badge.error { color: #fff; background: var(--err); }
    .badge.skipped, .badge.not-judged { color: var(--skip); background: var(--skip-bg); border: 1px dashed var(--skip); }

    .scroll { overflow-x: auto; max-width: 100%; }
    section.serious { margin: 22px 0; }
    ol.serious { margin: 8px 0 0; padding-left: 22px; }
    ol.serious li { margin: 8px 0; padding: 6px 12px; border-left: 4px solid var(--fail); background: var(--fail-bg); border-radius: 6px; }
    @media (max-width: 600px) { .page { padding: 16px 12px 40px; } h1 { font-size: 21px; } }
    table.verdicts { width: 100%; border-collapse: collapse; margin-top: 8px; }
    table.verdicts th { text-align: left; font-size: 12px; text-transform: uppercase; letter-spacing: .05em; color: var(--muted);
      border-bottom: 2px solid var(--line); padding: 6px 10px; }
    table.verdicts td { border-bottom: 1px solid var(--line); padding: 8px 10px; vertical-align: top; }
    table.verdicts td.id { white-space: nowrap; font-weight: 700; }
    table.verdicts tr.failed td.id { box-shadow: inset 4px 0 var(--fail); }
    table.verdicts tr.error td.id { box-shadow: inset 4px 0 var(--err); }
    table.verdicts td.n { white-space: nowrap; font-size: 13px; color: var(--muted); }
    dl.legend { display: grid; grid-template-columns: max-content 1fr; gap: 4px 12px; font-size: 13px; margin: 12px 0 0; }
    dl.legend dt { margin: 0; } dl.legend dd { margin: 0; color: var(--muted); }

    section.criterion { margin-top: 40px; padding-top: 18px; border-top: 3px solid var(--line); }
    section.criterion.failed { border-top-color: var(--fail); }
    section.criterion.error { border-top-color: var(--err); }
    section.criterion.passed { border-top-color: var(--pass); }
    .crit-head { display: flex; align-items: center; gap: 12px; flex-wrap: wrap; }
    .demands { font-size: 16px; margin: 8px 0 2px; }
    .chart-box { margin: 16px 0 8px; border: 1px solid var(--line); border-radius: 8px; padding: 10px 12px; }
    .chart-box h4 { margin: 0 0 6px; font-size: 14px; }
    svg.chart { max-width: 100%; height: auto; display: block; }

    .scenario { margin-top: 22px; }
    .scenario-head { display: flex; justify-content: space-between; gap: 12px; flex-wrap: wrap; align-items: baseline;
      border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-bottom: 6px; }
    ul.judged { margin: 2px 0 8px; padding-left: 18px; }

    .case { border: 1px solid var(--line); border-radius: 6px; margin: 8px 0; }
    .case > summary, .case > .line { padding: 7px 10px; cursor: pointer; }
    .case > .line { cursor: default; padding-left: 26px; }
    .case .name { font-weight: 600; overflow-wrap: anywhere; }
    .case .time { float: right; color: var(--muted); font-size: 12.5px; margin-left: 12px; }
    .case .why { color: var(--muted); }
    .case.failed { border-color: var(--fail); border-left-width: 4px; }
    .case.error { border-color: var(--err); border-left-width: 4px; }
    .case.passed, .case.skipped, .case.not-judged { border: 0; border-bottom: 1px solid #eaeef2; border-radius: 0; margin: 0; }
    .case.passed > summary, .case.skipped > summary, .case.passed > .line, .case.skipped > .line { padding-top: 4px; padding-bottom: 4px; }
    .case.passed .name, .case.skipped .name { font-weight: 400; }
    .body { padding: 2px 14px 12px 26px; }
    .finding { margin: 8px 0 14px; }
    .finding + .finding { border-top: 1px dashed var(--line); padding-top: 10px; }
    .oracle { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 700; color: var(--fail); }
    .case.error .oracle { color: var(--err); }
    .message { font-size: 15px; margin: 2px 0 6px; white-space: pre-wrap; overflow-wrap: anywhere; }

    .ev { margin: 10px 0 0; }
    .ev-head { font-size: 13px; overflow-wrap: anywhere; }
    .kind { display: inline-block; font-size: 10.5px; font-weight: 700; text-transform: uppercase; letter-spacing: .06em;
      border-radius: 4px; padding: 0 6px; margin-right: 6px; line-height: 18px; }
    .kind.exchange { background: #ddf4ff; color: #0550ae; }
    .kind.rows { background: #fbefff; color: #6639ba; }
    .kind.note { background: var(--skip-bg); color: var(--muted); }
    .kind.figures { background: #fff1e5; color: #953800; }
    .kind.screenshot { background: #dafbe1; color: #116329; }
    pre.exchange .req { color: #0550ae; }
    pre.exchange .resp { color: #6639ba; }
    pre.exchange .status { color: #6639ba; font-weight: 700; display: inline-block; margin-top: 8px; }
    pre.exchange .fault { color: var(--fail); font-weight: 700; }
    .note-text { margin: 2px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    .table-wrap { overflow-x: auto; margin-top: 4px; }
    table.rows { border-collapse: collapse; font-size: 12.5px; }
    table.rows th, table.rows td { border: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; overflow-wrap: anywhere; }
    table.rows th { background: var(--soft); font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-weight: 600; }
    table.rows td.null { color: var(--muted); font-style: italic; }
    figure.shot { margin: 6px 0 0; }
    figure.shot img { max-width: 100%; max-height: 640px; border: 1px solid var(--line); border-radius: 4px; display: block; }
    figure.shot figcaption { font-size: 12.5px; color: var(--muted); }

    section.notes { margin-top: 40px; border-top: 3px solid var(--line); padding-top: 18px; }
    section.notes li { margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere; }
    footer { margin-top: 40px; font-size: 12.5px; color: var(--muted); border-top: 1px solid var(--line); padding-top: 10px; }

    @media print {
      body { font-size: 10.5pt; }
      .page { max-width: none; padding: 0; }
      pre { max-height: none; overflow: visible; }
      a { color: inherit; }
      .banner, .badge, .count, .kind, table.verdicts td.id { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
      h2, h3, .crit-head, .scenario-head { break-after: avoid; }
      .case > summary, table.verdicts tr, .chart-box, figure.shot { break-inside: avoid; }
      section.criterion { margin-top: 24px; }
    }
    """
}
