"""The three layouts of Alipay's transaction export, recognised by their header row.

Alipay changed the export's shape over the years (PC website until about 2023, the app's
"electronic receipt" in 2021-2022, the app's export since 2023) and the preamble above the table
changes length between versions, so the table is found by its column names, never by a line
number. Columns are looked up by name too: a re-saved file with columns in another order reads
the same.
"""

from __future__ import annotations

from dataclasses import dataclass

# The fields the feature extractor reads, whatever a layout calls them.
TIME = "time"
CATEGORY = "category"
COUNTERPARTY = "counterparty"
DESCRIPTION = "description"
DIRECTION = "direction"
AMOUNT = "amount"
METHOD = "method"
STATUS = "status"
MERCHANT_ORDER = "merchant_order"
SOURCE = "source"
REFUNDED = "refunded"
FUND_STATUS = "fund_status"

FIELDS: tuple[str, ...] = (
    TIME,
    CATEGORY,
    COUNTERPARTY,
    DESCRIPTION,
    DIRECTION,
    AMOUNT,
    METHOD,
    STATUS,
    MERCHANT_ORDER,
    SOURCE,
    REFUNDED,
    FUND_STATUS,
)


@dataclass(frozen=True)
class Layout:
    """One export layout: its id and which header cell holds each field it has."""

    id: str
    columns: dict[str, str]
    #: A header cell only this layout has, to tell it from one with the same other columns.
    marker: str

    def match(self, header: list[str]) -> dict[str, int] | None:
        """Field -> column index when ``header`` (normalised cells) is this layout's, else None."""
        if self.marker not in header:
            return None
        positions = {name: index for index, name in enumerate(header)}
        found: dict[str, int] = {}
        for field, name in self.columns.items():
            if name not in positions:
                return None
            found[field] = positions[name]
        return found


PC_WEB = Layout(
    "pc_web",
    {
        TIME: "交易创建时间",
        SOURCE: "交易来源地",
        COUNTERPARTY: "交易对方",
        DESCRIPTION: "商品名称",
        AMOUNT: "金额(元)",
        DIRECTION: "收/支",
        STATUS: "交易状态",
        REFUNDED: "成功退款(元)",
        FUND_STATUS: "资金状态",
        MERCHANT_ORDER: "商家订单号",
    },
    marker="资金状态",
)

APP_2023 = Layout(
    "app_2023",
    {
        TIME: "交易时间",
        CATEGORY: "交易分类",
        COUNTERPARTY: "交易对方",
        DESCRIPTION: "商品说明",
        DIRECTION: "收/支",
        AMOUNT: "金额",
        METHOD: "收/付款方式",
        STATUS: "交易状态",
        MERCHANT_ORDER: "商家订单号",
    },
    marker="备注",
)

APP_2021 = Layout("app_2021", dict(APP_2023.columns), marker="交易分类")

#: Most specific first: the 2023 layout has every 2021 column plus 备注.
LAYOUTS: tuple[Layout, ...] = (PC_WEB, APP_2023, APP_2021)


def normalise_header_cell(cell: str) -> str:
    """A header cell without padding, quotes or full-width brackets (``金额（元）`` -> ``金额(元)``)."""
    return cell.strip().strip('"').strip().replace("（", "(").replace("）", ")")


def detect(cells: list[str]) -> tuple[Layout, dict[str, int]] | None:
    """The layout whose header ``cells`` is, with each field's column index; None if none is."""
    header = [normalise_header_cell(cell) for cell in cells]
    for layout in LAYOUTS:
        found = layout.match(header)
        if found is not None:
            return layout, found
    return None
