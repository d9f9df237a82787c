"""The command line: `python -m tracker import|sql|…`; every message to the user in Chinese."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path
from typing import NoReturn

from tracker import access
from tracker.contract import paths, schema
from tracker.ingest import worker
from tracker.ingest.import_report import ImportProgress, audit_details, outcome_json, outcome_lines
from tracker.ingest.outcome import Outcome
from tracker.ingest.values import ValueProblem, parse_date
from tracker.store.manifest import StoreProblem
from tracker.store.sql_console import SqlRefused, format_rows, run_read_only


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with the complaint in Chinese."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        print(f"参数错误：{message}", file=sys.stderr)
        raise SystemExit(2)


def _day(text: str) -> dt.date:
    try:
        day = parse_date(text)
    except ValueProblem as problem:
        raise argparse.ArgumentTypeError(f"日期“{text}”无法识别：{problem}") from None
    if day is None:
        raise argparse.ArgumentTypeError("日期为空")
    return day


def build_parser() -> argparse.ArgumentParser:
    """The argument parser for every subcommand."""
    parser = _Parser(prog="python -m tracker", description="县级脱贫攻坚进度看板：导入台账、查询数据。")
    parser.add_argument("--data-dir", help="数据目录（默认：环境变量 TRACKER_DATA_DIR，否则 ./data）")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    imp = sub.add_parser("import", help="导入台账导出文件（文件或文件夹）")
    imp.add_argument("paths", nargs="+", type=Path, help="文件或文件夹")
    imp.add_argument("--as-of", type=_day, help="数据截至日期，如 2017-10-13（默认取标题行或文件名中的日期）")
    imp.add_argument("--allow-rejects", action="store_true", help="导入有效行，错误行单独保存以便查看")
    imp.add_argument(
        "--table",
        choices=list(schema.TABLES),
        help="按指定台账读取每个文件（villages 村级台账、households 搬迁户台账、party_orgs 党组织台账、"
        "funds 资金台账、targets 目标任务、responsibilities 包保责任台账）；默认按表头自动识别",
    )
    imp.add_argument(
        "--replace-all",
        action="store_true",
        help="用文件内容整体替换该日的整期数据（文件未包含的乡镇也被删除）；默认只替换文件涉及的乡镇",
    )
    imp.add_argument(
        "--allow-growth",
        action="store_true",
        help="确认数量大幅增加属实：村、搬迁户或党组织比上期增加一倍以上时默认拒绝导入",
    )
    imp.add_argument("--json", action="store_true", help="以一个JSON对象输出结果")
    imp.add_argument("--data-dir", dest="sub_data_dir", help=argparse.SUPPRESS)

    sql = sub.add_parser(
        "sql",
        help="只读SQL查询（表：villages、households、party_orgs、funds、targets、responsibilities、import_log、rejects）",
    )
    sql.add_argument("query", help="一条 SELECT 语句")
    sql.add_argument("--format", choices=("table", "csv", "json"), default="table", help="输出格式")
    sql.add_argument("--user", help="以该用户的权限查询（乡镇用户只能看到本乡镇的行）")
    sql.add_argument("--data-dir", dest="sub_data_dir", help=argparse.SUPPRESS)

    rep = sub.add_parser("report", help="生成周报：全县和各乡镇的摘要图、PDF和Word文档")
    rep.add_argument("--as-of", type=_day, help="数据截至日期（默认最新一期）")
    rep.add_argument("--township", nargs="+", default=[], help="只生成这些乡镇（默认全部乡镇）")
    rep.add_argument("--out", type=Path, default=Path("reports"), help="输出文件夹（默认 ./reports）")
    rep.add_argument("--pages", action="store_true", help="另外生成各页面截图（电脑版和分段的手机版）")
    rep.add_argument("--push", action="store_true", help="生成后按 push.toml 推送到各群和邮箱")
    rep.add_argument("--url", help="截取页面时使用已在运行的看板地址，而不是自行启动（配合 --pages）")
    rep.add_argument(
        "--width", type=int, default=1600, help="页面截图宽度（CSS像素，默认1600，配合 --pages）"
    )
    rep.add_argument(
        "--no-phone", dest="phone", action="store_false", help="页面截图不生成手机版（配合 --pages）"
    )
    rep.add_argument("--data-dir", dest="sub_data_dir", help=argparse.SUPPRESS)

    psh = sub.add_parser("push", help="把本周周报推送到 push.toml 中的渠道（企业微信、钉钉、飞书、邮件）")
    psh.add_argument("--as-of", type=_day, help="数据截至日期（默认最新一期）")
    psh.add_argument("--out", type=Path, default=Path("reports"), help="周报所在文件夹（默认 ./reports）")
    psh.add_argument("--again", action="store_true", help="已发送过的也重新发送")
    psh.add_argument("--dry-run", action="store_true", help="只列出将发送什么到哪里，不发送")
    psh.add_argument("--data-dir", dest="sub_data_dir", help=argparse.SUPPRESS)

    chk = sub.add_parser("check", help="检查数据存储是否完好（清单和每个快照文件）")
    chk.add_argument(
        "--repair", action="store_true", help="清单损坏时从备份恢复；补写旧版本导入时没有生成的汇总"
    )
    chk.add_argument("--data-dir", dest="sub_data_dir", help=argparse.SUPPRESS)

    usr = sub.add_parser("user", help="管理登录用户（用户文件：数据目录下的 users.toml 或 TRACKER_USERS）")
    usr.add_argument("action", choices=("add",), help="add：新增或修改用户")
    usr.add_argument("login", help="用户名")
    usr.add_argument(
        "--role", required=True, choices=sorted(access.ROLES), help="county 县级、township 乡镇、clerk 录入员"
    )
    usr.add_argument("--township", nargs="+", default=[], help="乡镇用户可见的乡镇")
    usr.add_argument("--name", help="显示的姓名")
    usr.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（否则交互输入）")
    usr.add_argument("--data-dir", dest="sub_data_dir", help=argparse.SUPPRESS)

    gen = sub.add_parser("generate", help="生成市、省规模的模拟台账（CSV），用于性能测试")
    gen.add_argument("--counties", type=int, default=14, help="县的个数（省级约120）")
    gen.add_argument("--weeks", type=int, default=26, help="周数（每周五一期）")
    gen.add_argument("--out", type=Path, required=True, help="输出文件夹")
    gen.add_argument("--seed", type=int, default=2017, help="随机种子（相同种子生成相同数据）")
    gen.add_argument("--data-dir", dest="sub_data_dir", help=argparse.SUPPRESS)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Run a subcommand; the return value is the exit code."""
    args = build_parser().parse_args(argv)
    data_dir = paths.data_dir(getattr(args, "sub_data_dir", None) or args.data_dir)
    try:
        if args.command == "import":
            return _import(args, data_dir)
        if args.command == "sql":
            return _sql(args, data_dir)
        if args.command == "report":
            return _report(args, data_dir)
        if args.command == "push":
            return _push(args, data_dir)
        if args.command == "generate":
            return _generate(args)
        if args.command == "user":
            return _user(args, data_dir)
        if args.command == "check":
            return _check(args, data_dir)
    except StoreProblem as problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("已中断，未做任何更改", file=sys.stderr)
        return 130
    return 2


def _import(args: argparse.Namespace, data_dir: Path) -> int:
    progress = ImportProgress(sys.stderr)
    # In a worker process with a memory and a time limit: a file that crashes a reader is refused, not fatal.
    outcome: Outcome = worker.import_paths(
        args.paths,
        data_dir,
        progress.file,
        as_of=args.as_of,
        allow_rejects=args.allow_rejects,
        table=args.table,
        replace_all=args.replace_all,
        allow_growth=args.allow_growth,
    )
    progress.close()
    if outcome.landed:
        access.audit(data_dir, _operator(), "import", audit_details(outcome))
    if args.json:
        print(json.dumps(outcome_json(outcome), ensure_ascii=False, indent=1))
    else:
        out, err = outcome_lines(outcome)
        for line in err:
            print(line, file=sys.stderr)
        for line in out:
            print(line)
    return outcome.status


def _sql(args: argparse.Namespace, data_dir: Path) -> int:
    scope = None
    if args.user:
        entry = access.load_users(access.users_path(data_dir)).get(args.user)
        if entry is None:
            print(f"错误：用户 {args.user} 不存在", file=sys.stderr)
            return 2
        scope = access.user_from_entry(args.user, entry).scope
    try:
        columns, rows = run_read_only(data_dir, args.query, scope)
    except SqlRefused as refused:
        print(f"错误：{refused}", file=sys.stderr)
        return 2
    sys.stdout.write(format_rows(columns, rows, args.format))
    return 0


def _report(args: argparse.Namespace, data_dir: Path) -> int:
    from tracker.weekly.browser import BrowserMissing
    from tracker.weekly.report import ReportProblem, make_report
    from tracker.weekly.serve import ServerProblem

    def progress(done: int, total: int, name: str) -> None:
        print(f"周报 {done}/{total}：{name}", file=sys.stderr, flush=True)

    try:
        report = make_report(
            data_dir, args.out, args.as_of, args.township, args.url, args.phone, args.width, progress,
            pages=args.pages,
        )  # fmt: skip
    except BrowserMissing as problem:
        print(f"周报生成失败（未改动已有文件）：{problem}", file=sys.stderr)
        return 2
    except (ReportProblem, ServerProblem) as problem:
        print(f"周报生成失败（未改动已有文件）：{problem}", file=sys.stderr)
        return 1
    files = report.files()
    access.audit(data_dir, _operator(), "report", {"week": report.week, "files": len(files)})
    print(
        f"{report.week} 周报（数据截至 {report.as_of}）：{len(report.scopes)} 个范围，共 {len(files)} 个文件"
    )
    print(f"摘要图：{report.summary}")
    print(f"PDF：{report.pdf}")
    print(f"Word：{report.docx}")
    if report.shots:
        print(f"页面截图：{len(report.shots)} 张")
    print(f"清单：{report.manifest}")
    if args.push:
        return _push(args, data_dir, report.as_of)
    return 0


def _push(args: argparse.Namespace, data_dir: Path, as_of: str | None = None) -> int:
    from tracker.push.run import push_week

    day = dt.date.fromisoformat(as_of) if as_of else getattr(args, "as_of", None)
    return push_week(
        data_dir, args.out, day, again=getattr(args, "again", False), dry_run=getattr(args, "dry_run", False),
        operator=_operator(),
    )  # fmt: skip


def _generate(args: argparse.Namespace) -> int:
    from synth.province import MAX_COUNTIES, generate

    if not 1 <= args.counties <= MAX_COUNTIES or args.weeks < 1:
        print(f"参数错误：县的个数应在1到{MAX_COUNTIES}之间，周数至少为1", file=sys.stderr)
        return 2
    summary = generate(args.counties, args.weeks, args.out, args.seed)
    print(json.dumps(summary, ensure_ascii=False, default=str))
    return 0


def _user(args: argparse.Namespace, data_dir: Path) -> int:
    import getpass

    from tracker.contract.county import load_county

    county = load_county(data_dir)
    unknown = [t for t in args.township if county.township(t) is None]
    if unknown:
        print(f"错误：不是{county.name}的乡镇：{'、'.join(unknown)}", file=sys.stderr)
        return 2
    townships = [name for t in args.township if (name := county.township(t)) is not None]
    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else getpass.getpass("密码：")
    if len(password) < 8:
        print("错误：密码至少8位", file=sys.stderr)
        return 2
    try:
        access.add_user(
            access.users_path(data_dir), args.login, args.name or args.login, args.role, townships, password
        )
    except access.AccessProblem as problem:
        print(f"错误：{problem}", file=sys.stderr)
        return 2
    access.audit(data_dir, getpass.getuser(), "user_add", {"login": args.login, "role": args.role})
    print(f"已保存用户 {args.login}（{access.ROLES[args.role]}）")
    return 0


def _operator() -> str:
    """Who runs a command: the operating-system account."""
    import getpass

    try:
        return f"os:{getpass.getuser()}"
    except OSError:
        return "os:unknown"


def _check(args: argparse.Namespace, data_dir: Path) -> int:
    from tracker.store.check import repair_manifest, verify
    from tracker.store.commit import write_missing_summaries

    if args.repair and repair_manifest(data_dir):
        print("数据存储清单已从备份恢复")
    if args.repair:
        # A store written before a summary existed reads without it (the reader derives it), only slower.
        written = write_missing_summaries(data_dir)
        if written:
            print(f"已补写导入时生成的汇总 {len(written)} 份（{written[0]} 等）")
    problems = verify(data_dir)
    for problem in problems:
        print(f"问题：{problem}", file=sys.stderr)
    if problems:
        return 1
    print("数据存储完好")
    return 0
