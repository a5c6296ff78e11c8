"""Write a synthetic fact base of N records for benchmarks.

    python benchmarks/generate.py 100000 /tmp/facts-100k.toml [--seed 1]

The base is valid (`facts check` passes) and looks like the real one: 60% metrics,
20% projects, 20% milestones, one [[sources]] table; Chinese names built from the
towns of 通州区, its industries and its indicators, years 2015-2024, the units of the
bundled base, quotes of 28-120 Chinese characters (mean 40, median 34), English names,
aliases, tags, dates on milestones, status and investment on projects, and unique ids.
A few records (5 + N // 10000) mention 异质结, so `facts search 异质结` finds something
at every size without matching a large share of the base.

The same N and seed always give the same bytes. Importable: `generate(n, seed) -> str`.
The 100,000-record base is 32.7 MB (seed 0). Longer quotes, or English names and aliases
on every record as in the real base, would make it 40-48 MB: see QUOTE_MIN and the shares.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
from pathlib import Path

SOURCE_ID = "tz-stats"
HJT = "异质结"

#: (Chinese, English) towns, streets and parks of 通州区.
PLACES: list[tuple[str, str]] = [
    ("金沙街道", "Jinsha"),
    ("先锋街道", "Xianfeng"),
    ("兴东街道", "Xingdong"),
    ("金新街道", "Jinxin"),
    ("陈桥街道", "Chenqiao"),
    ("兴仁镇", "Xingren"),
    ("西亭镇", "Xiting"),
    ("二甲镇", "Erjia"),
    ("东社镇", "Dongshe"),
    ("三余镇", "Sanyu"),
    ("十总镇", "Shizong"),
    ("川姜镇", "Chuanjiang"),
    ("石港镇", "Shigang"),
    ("刘桥镇", "Liuqiao"),
    ("平潮镇", "Pingchao"),
    ("五接镇", "Wujie"),
    ("张芝山镇", "Zhangzhishan"),
    ("平东镇", "Pingdong"),
    ("南通高新区", "Nantong High-tech Zone"),
    ("锡通科技产业园", "Xitong Science Park"),
    ("金沙湾片区", "Jinshawan"),
    ("通州湾示范区", "Tongzhou Bay"),
]

#: (Chinese, English, tags) industries.
INDUSTRIES: list[tuple[str, str, tuple[str, ...]]] = [
    ("家纺", "home textiles", ("家纺", "电商")),
    ("建筑", "construction", ("建筑", "建筑强区")),
    ("光伏", "photovoltaics", ("光伏", "新能源")),
    ("储能", "energy storage", ("储能", "新能源")),
    ("智能装备", "smart equipment", ("智能装备", "先进制造")),
    ("新一代信息技术", "next-generation IT", ("新一代信息技术", "数字经济")),
    ("电子信息", "electronics", ("电子信息",)),
    ("生物医药", "biomedicine", ("生物医药", "大健康")),
    ("新材料", "new materials", ("新材料",)),
    ("船舶海工", "shipbuilding and offshore", ("船舶海工", "江海联动")),
    ("现代农业", "modern agriculture", ("现代农业", "乡村振兴")),
    ("文化旅游", "culture and tourism", ("文旅", "消费")),
    ("现代物流", "modern logistics", ("物流", "枢纽经济")),
    ("汽车零部件", "auto parts", ("汽车零部件", "先进制造")),
    ("集成电路", "integrated circuits", ("集成电路", "数字经济")),
    ("节能环保", "energy saving", ("节能环保", "绿色低碳")),
]

#: (Chinese, English, slug, unit, low, high, decimals, measure, category, aliases) indicators.
INDICATORS: list[tuple[str, str, str, str, float, float, int, str, str, tuple[str, ...]]] = [
    ("地区生产总值", "GDP", "gdp", "亿元", 30, 2000, 0, "level", "economy", ("GDP", "经济总量")),
    ("地区生产总值增速", "GDP growth", "gdp-growth", "%", 2, 11, 1, "growth", "economy", ("GDP增速", "经济增速")),
    ("一般公共预算收入", "budget revenue", "budget-revenue", "亿元", 1, 90, 2, "level", "fiscal", ("财政收入",)),
    ("税收占比", "tax share of revenue", "tax-share", "%", 60, 90, 1, "share", "fiscal", ("税收收入占比",)),
    ("规上工业总产值", "industrial output", "industrial-output", "亿元", 20, 2600, 0, "level", "industry", ("工业产值",)),
    (
        "规上工业增加值增速",
        "industrial value added growth",
        "industrial-growth",
        "%",
        3,
        16,
        1,
        "growth",
        "industry",
        ("工业增加值",),
    ),
    (
        "固定资产投资增速",
        "fixed-asset investment growth",
        "investment-growth",
        "%",
        1,
        15,
        1,
        "growth",
        "investment",
        ("投资增速",),
    ),
    ("社会消费品零售总额", "retail sales", "retail-sales", "亿元", 10, 600, 1, "level", "business", ("社零总额", "消费")),
    ("进出口总额", "imports and exports", "trade", "亿元", 5, 400, 1, "level", "business", ("外贸",)),
    ("新认定高新技术企业", "new high-tech enterprises", "high-tech", "家", 5, 200, 0, "count", "innovation", ("高企",)),
    ("专精特新中小企业", "specialised SMEs", "specialised-smes", "家", 2, 80, 0, "count", "innovation", ("专精特新",)),
    (
        "规上工业企业",
        "industrial enterprises above size",
        "industrial-firms",
        "家",
        20,
        900,
        0,
        "count",
        "industry",
        ("规上企业",),
    ),
    ("省级以上研发机构", "provincial R&D centres", "rd-centres", "个", 2, 60, 0, "count", "innovation", ("研发机构",)),
    ("开工重大项目", "major projects started", "projects-started", "个", 3, 60, 0, "count", "investment", ("重大项目",)),
    ("新签约注册项目", "projects signed", "projects-signed", "个", 3, 80, 0, "count", "investment", ("签约项目", "招商引资")),
    ("高新技术产业产值占比", "high-tech output share", "high-tech-share", "%", 30, 65, 1, "share", "innovation", ("高新产业",)),
    ("研发投入占比", "R&D intensity", "rd-share", "%", 1, 4, 2, "share", "innovation", ("研发投入",)),
    ("新增城镇就业", "new urban jobs", "new-jobs", "万人", 0.2, 2, 2, "count", "livelihood", ("就业",)),
    ("常住人口", "resident population", "population", "万人", 3, 120, 2, "level", "economy", ("人口",)),
    ("新建高标准农田", "high-standard farmland", "farmland", "万亩", 0.5, 8, 1, "level", "agriculture", ("高标准农田",)),
    ("粮食播种面积", "grain area", "grain-area", "万亩", 2, 90, 1, "level", "agriculture", ("粮食",)),
    ("盘活低效用地", "idle land revitalised", "idle-land", "亩", 50, 3000, 0, "level", "planning", ("低效用地",)),
    ("腾出建设用地", "construction land freed", "land-freed", "亩", 100, 2500, 0, "level", "planning", ("建设用地",)),
    ("新增城市绿地", "new urban green space", "green-space", "万平方米", 1, 60, 1, "level", "urban", ("绿地",)),
    ("改造老旧小区", "old estates renovated", "old-estates", "个", 2, 50, 0, "count", "urban", ("老旧小区",)),
    ("新建改建农村公路", "rural roads built", "rural-roads", "条", 5, 120, 0, "count", "urban", ("农村公路",)),
    ("新建改扩建学校", "schools built", "schools", "所", 1, 12, 0, "count", "education", ("学校", "教育")),
    ("新增养老床位", "elderly-care beds", "care-beds", "张", 50, 1500, 0, "count", "health", ("养老",)),
    ("建成保障性住房", "affordable homes", "affordable-homes", "套", 100, 3000, 0, "count", "livelihood", ("保障房",)),
    ("新引进高层次人才", "high-level talent", "talent", "名", 5, 300, 0, "count", "talent", ("人才引进",)),
    ("新增发明专利授权", "invention patents", "patents", "项", 20, 900, 0, "count", "innovation", ("专利",)),
    ("获评省级以上荣誉", "provincial honours", "honours", "项", 1, 30, 0, "count", "honour", ("荣誉",)),
]

#: Industry-level indicators: "{industry}产业{indicator}".
INDUSTRY_INDICATORS = [
    i for i in INDICATORS if i[2] in ("industrial-output", "industrial-growth", "industrial-firms", "rd-share")
]

BRAND_CHARS = "华恒通鑫盛瑞天宏泰博中金海星润嘉德力源达昊辉航晟凯锦铭远新嘉宇科"
COMPANY_SUFFIXES = ["科技", "新材料", "电子", "智能装备", "新能源", "纺织", "医疗", "光电", "精密", "环保"]

#: (Chinese, English, capacity unit or "", category) products of projects.
PRODUCTS: list[tuple[str, str, str, str]] = [
    ("光伏组件", "PV module", "GW", "industry"),
    ("储能电池", "energy-storage battery", "GWh", "industry"),
    ("高端家纺面料", "home-textile fabric", "万米", "industry"),
    ("智能装备制造", "smart equipment", "台", "industry"),
    ("集成电路封测", "chip packaging", "亿颗", "industry"),
    ("新能源汽车零部件", "EV parts", "万套", "industry"),
    ("生物医药产业化", "biomedicine", "", "industry"),
    ("精密结构件", "precision parts", "万件", "industry"),
    ("高性能膜材料", "membrane materials", "万平方米", "industry"),
    ("通信模块", "communication module", "万片", "industry"),
    ("医学综合体", "medical complex", "", "health"),
    ("人民医院扩建", "hospital expansion", "", "health"),
    ("实验学校", "school", "", "education"),
    ("城市更新", "urban renewal", "", "urban"),
    ("农贸市场改造", "farmers' market renovation", "", "urban"),
    ("物流园", "logistics park", "", "business"),
]
HJT_PRODUCT = ("异质结电池", "heterojunction cell", "GW", "industry")
STATUSES = ["开工", "在建", "竣工", "竣工投产", "封顶", "投用", "交付使用", "全线贯通", "全面建成", "引进", "签约"]

#: (template, English template, alias, category) milestones; {place} {industry} {company} {n} {honour}.
EVENTS: list[tuple[str, str, str, str]] = [
    ("{place}{industry}产业招商推介会", "{place_en} {industry_en} investment fair", "招商推介会", "investment"),
    ("{place}重大项目集中开工仪式", "Groundbreaking of major projects in {place_en}", "集中开工", "investment"),
    ("{place}获评{honour}", "{place_en} named {honour_en}", "{honour}", "honour"),
    ("{company}项目签约落户{place}", "{company_en} project signed in {place_en}", "项目签约", "investment"),
    ("第{n}届南通{industry}博览会", "Nantong {industry_en} expo no. {n}", "{industry}博览会", "business"),
    ("{place}{industry}电商直播节", "{place_en} {industry_en} livestream festival", "直播节", "business"),
    ("{place}企业家座谈会", "Entrepreneurs' symposium in {place_en}", "企业家座谈会", "business"),
    ("{place}乡村振兴现场推进会", "Rural revitalisation meeting in {place_en}", "乡村振兴", "agriculture"),
    ("{place}人才科创周", "Talent and innovation week in {place_en}", "科创周", "talent"),
]
HONOURS: list[tuple[str, str]] = [
    ("全国千强镇", "a national top-1000 town"),
    ("省级文明镇", "a provincial civilised town"),
    ("国家卫生镇", "a national hygienic town"),
    ("省级特色小镇", "a provincial characteristic town"),
    ("省级生态园区", "a provincial ecological park"),
    ("全国综合实力百强", "a national top-100"),
    ("省级农业产业强镇", "a provincial agricultural town"),
]

#: Clauses a quote is padded with, like the review's sentences.
CLAUSES = [
    "为全区高质量发展提供了有力支撑",
    "产业结构持续优化",
    "创历史新高",
    "发展质效稳步提升",
    "项目建设跑出加速度",
    "营商环境持续优化",
    "群众获得感幸福感安全感不断增强",
    "争当全市高质量发展排头兵",
    "主要经济指标保持稳中有进",
    "科技创新能力显著提升",
    "重点工程建设加快推进",
    "城乡面貌焕然一新",
    "民生福祉持续增进",
    "新动能加速集聚",
    "服务企业大走访活动深入开展",
    "乡村振兴取得新成效",
    "江海联动发展格局加快构建",
    "绿色低碳转型步伐加快",
]
#: Clauses only a number is followed by.
METRIC_CLAUSES = ["增幅位居全市前列", "较上年提高1.2个百分点", "同比增长8.6%", "总量位居全区第一", "提前完成全年目标任务"]
HJT_CLAUSES = ["异质结完整产业链加快形成", "异质结电池项目建设进展顺利", "一批异质结产业链重点企业招引落户"]
VERBS = ["实现", "完成", "达到", "突破", "累计达", "达"]
#: Quote lengths in characters: a target of QUOTE_MIN + (QUOTE_MAX - QUOTE_MIN) * random() ** QUOTE_SKEW,
#: rounded up to a whole clause (mean 40, median 34, 90% under 60, at most QUOTE_MAX).
#: These and the shares below set the file size: 100,000 records come to about 33 MB. The real
#: base is denser (480 bytes a record: 48 MB at 100,000), so optional keys are rarer here.
QUOTE_MIN = 28
QUOTE_MAX = 120
QUOTE_SKEW = 12
#: Share of records with an English name (the real base has one on every record).
NAME_EN_SHARE = 0.3
#: Shares of records with aliases, and of projects and milestones with tags.
ALIAS_SHARE = 0.2
TAG_SHARE = 0.2
QUALIFIERS = ["预计", "约", "以上", "近", "超"]


def _q(text: str) -> str:
    """A TOML basic string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _list(items: list[str] | tuple[str, ...]) -> str:
    return "[" + ", ".join(_q(i) for i in items) + "]"


def _number(value: float, decimals: int) -> int | float:
    value = round(value, decimals)
    return int(value) if decimals == 0 or value == int(value) else value


def _fmt(value: int | float) -> str:
    return str(value) if isinstance(value, int) else f"{value:g}"


class _Generator:
    def __init__(self, n: int, seed: int) -> None:
        self.n = n
        self.rng = random.Random(seed)
        # 5 + n // 10000 records spread over the base mention 异质结.
        count = min(n, 5 + n // 10000)
        self.hjt = {int((i + 0.5) * n / count) for i in range(count)} if count else set()
        self.projects: list[str] = []
        self.out: list[str] = []

    # ------------------------------------------------------------ pieces

    def quote(self, head: str, hjt: bool, metric: bool = False) -> str:
        """`head` padded with clauses to QUOTE_MIN-QUOTE_MAX characters (most near the short end)."""
        rng = self.rng
        target = QUOTE_MIN + int((QUOTE_MAX - QUOTE_MIN) * rng.random() ** QUOTE_SKEW)
        parts = [head]
        length = len(head)
        clauses = rng.sample(CLAUSES, 8)
        if metric:
            clauses.insert(0, rng.choice(METRIC_CLAUSES))
        if hjt:
            clauses.insert(0, rng.choice(HJT_CLAUSES))
        for clause in clauses:
            if length >= target and not (hjt and HJT not in "".join(parts)):
                break
            if length + 1 + len(clause) > QUOTE_MAX:
                continue
            parts.append(clause)
            length += len(clause) + 1
        return ",".join(parts)

    def company(self) -> tuple[str, str]:
        rng = self.rng
        brand = rng.choice(BRAND_CHARS) + rng.choice(BRAND_CHARS)
        suffix = rng.choice(COMPANY_SUFFIXES)
        return f"{brand}{suffix}", f"{brand}{suffix}"

    def place(self) -> tuple[str, str]:
        return self.rng.choice(PLACES)

    def figure(self, amount: str, qualifier: str | None) -> str:
        """The number as a quote states it: `…以上`, `预计实现…`, `达近…` or `突破…`."""
        if qualifier == "以上":
            return amount + "以上"
        if qualifier == "预计":
            return "预计" + self.rng.choice(VERBS) + amount
        if qualifier:
            return "达" + qualifier + amount
        return self.rng.choice(VERBS) + amount

    # ------------------------------------------------------------ records

    def metric(self, i: int, hjt: bool) -> None:
        rng = self.rng
        year = rng.randint(2015, 2024)
        place, place_en = self.place()
        if hjt:
            zh, en, slug, unit, low, high, dec, measure, category, aliases = INDICATORS[4]
            name = f"{HJT}电池产业{zh}"
            name_en = f"Heterojunction cell {en}"
            tags: tuple[str, ...] = ("光伏", HJT)
        elif rng.random() < 0.25:
            zh, en, slug, unit, low, high, dec, measure, category, aliases = rng.choice(INDUSTRY_INDICATORS)
            industry, industry_en, tags = rng.choice(INDUSTRIES)
            name = f"{industry}产业{zh}"
            name_en = f"{industry_en.capitalize()}: {en}"
        else:
            zh, en, slug, unit, low, high, dec, measure, category, aliases = rng.choice(INDICATORS)
            name, name_en = (f"{place}{zh}", f"{place_en} {en}") if rng.random() < 0.8 else (zh, en.capitalize())
            tags = ()
        value = _number(rng.uniform(low, high), dec)
        qualifier = rng.choice(QUALIFIERS) if rng.random() < 0.2 else None
        figure = self.figure(f"{_fmt(value)}{unit}", qualifier)
        head = f"{year}年,{name if name.startswith(place) else place + name}{figure}"
        lines = [
            "[[metrics]]",
            f'id = "{slug}-{i}"',
            f"name = {_q(name)}",
        ]
        if rng.random() < NAME_EN_SHARE:
            lines.append(f"name_en = {_q(name_en)}")
        if rng.random() < ALIAS_SHARE:
            lines.append(f"aliases = {_list(aliases)}")
        lines += [f"year = {year}", f"value = {value}", f"unit = {_q(unit)}"]
        if qualifier:
            lines.append(f"qualifier = {_q(qualifier)}")
        if rng.random() < 0.1:
            lines.append(f'measure = "{measure}"')
        lines.append(f'category = "{category}"')
        if not name.startswith(place):
            lines.append(f"place = {_q(place)}")
        if tags:
            lines.append(f"tags = {_list(tags)}")
        if self.projects and rng.random() < 0.03:
            lines.append(f'project = "{rng.choice(self.projects)}"')
        lines.append(f'source = "{SOURCE_ID}"')
        lines.append(f"quote = {_q(self.quote(head, hjt, metric=True))}")
        self.out.append("\n".join(lines))

    def project(self, i: int, hjt: bool) -> None:
        rng = self.rng
        year = rng.randint(2015, 2024)
        place, place_en = self.place()
        product, product_en, capacity_unit, category = HJT_PRODUCT if hjt else rng.choice(PRODUCTS)
        company, company_en = self.company()
        capacity = rng.randint(1, 30) if capacity_unit and rng.random() < 0.6 else None
        size = f"{capacity}{capacity_unit}" if capacity else ""
        name = f"{company}{size}{product}项目" if category == "industry" else f"{place}{product}项目"
        name_en = f"{company_en} {product_en} project" if category == "industry" else f"{place_en} {product_en} project"
        status = rng.choice(STATUSES)
        investment = _number(rng.uniform(0.5, 120), 2) if rng.random() < 0.7 else None
        slug = f"project-{i}"
        lines = ["[[projects]]", f'id = "{slug}"', f"name = {_q(name)}"]
        if rng.random() < NAME_EN_SHARE:
            lines.append(f"name_en = {_q(name_en)}")
        if rng.random() < ALIAS_SHARE:
            lines.append(f"aliases = {_list([company, product])}")
        lines += [f"year = {year}", f'status = "{status}"']
        invest_text = ""
        if investment is not None:
            lines += [f"investment = {investment}", 'investment_unit = "亿元"']
            if rng.random() < 0.5:
                lines.append('investment_qualifier = "约"')
                invest_text = f",计划总投资约{_fmt(investment)}亿元"
            else:
                invest_text = f",总投资{_fmt(investment)}亿元"
        if capacity:
            lines += [f"capacity = {capacity}", f"capacity_unit = {_q(capacity_unit)}"]
        lines.append(f'category = "{category}"')
        lines.append(f"place = {_q(place)}")
        if hjt:
            lines.append(f'tags = ["光伏", "{HJT}"]')
        elif rng.random() < TAG_SHARE:
            lines.append(f"tags = {_list(rng.choice(INDUSTRIES)[2])}")
        lines.append(f'source = "{SOURCE_ID}"')
        lines.append(f"quote = {_q(self.quote(f'{place}{name}{status}{invest_text}', hjt))}")
        self.projects.append(slug)
        self.out.append("\n".join(lines))

    def milestone(self, i: int, hjt: bool) -> None:
        rng = self.rng
        year = rng.randint(2015, 2024)
        place, place_en = self.place()
        industry, industry_en, tags = rng.choice(INDUSTRIES)
        if hjt:
            industry, industry_en, tags = HJT, "heterojunction", ("光伏", HJT)
        template, template_en, alias, category = rng.choice(EVENTS)
        honour, honour_en = rng.choice(HONOURS)
        company, company_en = self.company()
        fields = {
            "place": place, "place_en": place_en, "industry": industry, "industry_en": industry_en,
            "company": company, "company_en": company_en, "honour": honour, "honour_en": honour_en,
            "n": rng.randint(2, 12),
        }  # fmt: skip
        name = template.format(**fields)
        name_en = template_en.format(**fields)
        month, day = rng.randint(1, 12), rng.randint(1, 28)
        if rng.random() < 0.7:
            date = f"{year}-{month:02d}-{day:02d}"
            head = f"{year}年{month}月{day}日,{name}"
        else:
            date = f'"{year}-{month:02d}"'
            head = f"{year}年{month}月,{name}"
        lines = ["[[milestones]]", f'id = "event-{i}"', f"name = {_q(name)}"]
        if rng.random() < NAME_EN_SHARE:
            lines.append(f"name_en = {_q(name_en)}")
        if rng.random() < ALIAS_SHARE:
            lines.append(f"aliases = {_list([alias.format(**fields)])}")
        lines += [f"year = {year}", f"date = {date}", f'category = "{category}"', f"place = {_q(place)}"]
        if rng.random() < TAG_SHARE or hjt:
            lines.append(f"tags = {_list(tags)}")
        if self.projects and rng.random() < 0.05:
            lines.append(f'related = ["{rng.choice(self.projects)}"]')
        lines.append(f'source = "{SOURCE_ID}"')
        lines.append(f"quote = {_q(self.quote(head, hjt))}")
        self.out.append("\n".join(lines))

    # ------------------------------------------------------------ the base

    def run(self) -> str:
        self.out.append(
            "# A synthetic fact base for benchmarks (benchmarks/generate.py): "
            f"{self.n} records, not facts.\n\n"
            "[[sources]]\n"
            f'id = "{SOURCE_ID}"\n'
            'title = "通州区国民经济和社会发展统计资料(合成)"\n'
            'title_en = "Synthetic statistics of Tongzhou district"\n'
            f"date = {dt.date(2025, 1, 1).isoformat()}\n"
            'note = "Generated for benchmarks; the numbers are random."'
        )
        rng = self.rng
        for i in range(self.n):
            roll = rng.random()
            hjt = i in self.hjt
            if roll < 0.6:
                self.metric(i, hjt)
            elif roll < 0.8:
                self.project(i, hjt)
            else:
                self.milestone(i, hjt)
        return "\n\n".join(self.out) + "\n"


def generate(n: int, seed: int = 0) -> str:
    """The TOML text of a valid synthetic base of `n` records; the same for the same seed."""
    if n < 0:
        raise ValueError("n must be >= 0")
    return _Generator(n, seed).run()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of records")
    parser.add_argument("out", type=Path, help="the TOML file to write")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    args = parser.parse_args(argv)
    text = generate(args.n, args.seed)
    args.out.write_text(text, encoding="utf-8")
    size = len(text.encode("utf-8"))
    print(f"wrote {args.n} records ({size / 1e6:.1f} MB) to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
