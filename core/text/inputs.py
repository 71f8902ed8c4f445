"""Messages about typed input (custom formulas, plot boxes) in English and Chinese, and the error
that carries them.

Keys: fx_* (a formula refused: fx_hint_* are the hints after the problem), box_* (a plot box
refused) and input_* (what the Playground says while its input is invalid). The error keeps the
keys and their values rather than a finished sentence, so the page can say it in its language.
"""

from __future__ import annotations

INPUT_TEXT: dict[str, tuple[str, str]] = {
    # ---- Where, and how a message is put together ---------------------------------------------
    "fx_where": (" at character {column}", "（第 {column} 个字符处）"),
    # ---- Formula problems ---------------------------------------------------------------------
    "fx_not_text": ("The formula must be text, not {kind}", "公式必须是文本，而不是 {kind}"),
    "fx_too_long": (
        "The formula is too long: {length} characters, the limit is {limit}",
        "公式太长：共 {length} 个字符，上限是 {limit} 个",
    ),
    "fx_unexpected": ("Unexpected {char}", "这里不该出现字符 {char}"),
    "fx_empty": ("Type a formula in x and y", "请输入一个以 x 和 y 为自变量的公式"),
    "fx_too_many_parens": ("More than {limit} nested parentheses", "括号嵌套超过了 {limit} 层"),
    "fx_unmatched": ("Unmatched ')'", "')' 没有与之配对的 '('"),
    "fx_never_closed": ("This '(' is never closed", "这个 '(' 没有与之配对的 ')'"),
    "fx_number_too_large": ("Number too large", "数字太大"),
    "fx_complex": ("Complex numbers are not supported", "不支持复数"),
    "fx_number_into_name": ("A number runs into a name", "数字和名称连在了一起"),
    "fx_number_format": ("Unexpected number format", "数字的写法无法识别"),
    "fx_ends_early": ("The formula ends too early", "公式没写完就结束了"),
    "fx_unreadable": ("Could not read the formula", "无法读懂这个公式"),
    "fx_too_complex": ("The formula is too complex to read", "公式太复杂，无法读懂"),
    "fx_too_many_parts": (
        "The formula is too long: more than {limit} parts",
        "公式太长：超过了 {limit} 个组成部分",
    ),
    "fx_too_deep": (
        "The formula is nested more than {limit} levels",
        "公式的嵌套超过了 {limit} 层",
    ),
    "fx_attribute": (
        "Attributes (a dot after a name or number) are not supported",
        "不支持属性访问（名称或数字后面再跟一个点号）",
    ),
    "fx_subscript": ("Indexing with [ ] is not supported", "不支持用 [ ] 取下标"),
    "fx_compare": ("Comparisons are not supported", "不支持比较运算"),
    "fx_bool": ("Logic with 'and' / 'or' is not supported", "不支持 'and' / 'or' 逻辑运算"),
    "fx_if": ("Conditionals (if/else) are not supported", "不支持条件表达式（if/else）"),
    "fx_lambda": ("Lambdas are not supported", "不支持 lambda 表达式"),
    "fx_assign": ("Assignments are not supported", "不支持赋值"),
    "fx_comma": ("Unexpected comma", "这里不该出现逗号"),
    "fx_list": ("Lists are not supported", "不支持列表"),
    "fx_set": ("Sets are not supported", "不支持集合"),
    "fx_dict": ("Dictionaries are not supported", "不支持字典"),
    "fx_comprehension": (
        "Comprehensions ('for ... in') are not supported",
        "不支持推导式（'for ... in'）",
    ),
    "fx_starred": ("Starred arguments (*args) are not supported", "不支持星号参数（*args）"),
    "fx_strings": ("Strings are not supported", "不支持字符串"),
    "fx_await": ("'await' is not supported", "不支持 'await'"),
    "fx_yield": ("'yield' is not supported", "不支持 'yield'"),
    "fx_slice": ("Slices are not supported", "不支持切片"),
    "fx_unsupported": ("This part is not supported in a formula", "公式中不支持这一部分"),
    "fx_floor_division": ("Floor division '//' is not supported", "不支持整除运算 '//'"),
    "fx_remainder": ("The remainder operator % is not supported", "不支持取余运算符 %"),
    "fx_matmul": ("Matrix products are not supported", "不支持矩阵乘法"),
    "fx_bitwise": ("Bitwise operators are not supported", "不支持位运算符"),
    "fx_not": ("Logic with 'not' is not supported", "不支持 'not' 逻辑运算"),
    "fx_unsupported_op": ("Unsupported operator", "不支持这个运算符"),
    "fx_empty_parens": ("Empty parentheses", "括号里是空的"),
    "fx_not_a_number": ("{value} is not a number", "{value} 不是数字"),
    "fx_only_numbers": ("Only numbers, x and y are allowed", "只允许使用数字、x 和 y"),
    "fx_is_function": ("{name} is a function", "{name} 是一个函数"),
    "fx_unknown_name": ("Unknown name {name}", "未知的名称 {name}"),
    "fx_not_callable": ("Only the listed functions can be called", "只能调用列出的函数"),
    "fx_not_function": ("{name} is not a function", "{name} 不是函数"),
    "fx_unknown_function": ("Unknown function {name}", "未知的函数 {name}"),
    "fx_no_keywords": ("{name} takes no keyword arguments", "{name} 不接受关键字参数"),
    "fx_arity_one": (
        "{name} takes 1 argument, not {count},",
        "{name} 需要 1 个参数，而不是 {count} 个",
    ),
    "fx_arity": (
        "{name} takes {arity} arguments, not {count},",
        "{name} 需要 {arity} 个参数，而不是 {count} 个",
    ),
    # ---- Hints: whole sentences after the problem ---------------------------------------------
    "fx_hint_no_equals": (
        "Write only the expression, e.g. x^2 + y^2 (no '=' anywhere).",
        "只写表达式，例如 x^2 + y^2（任何地方都不要写 '='）。",
    ),
    "fx_hint_comparisons": (
        "Comparisons and shifts are not supported.",
        "不支持比较运算和移位运算。",
    ),
    "fx_hint_round_parens": ("Use round parentheses ( ) for grouping.", "分组请用圆括号 ( )。"),
    "fx_hint_quotes": ("Text in quotes is not part of a formula.", "引号里的文字不属于公式。"),
    "fx_hint_remainder": ("The remainder operator % is not supported.", "不支持取余运算符 %。"),
    "fx_hint_bitwise_chars": (
        "Bitwise operators are not supported; use ^ or ** for powers.",
        "不支持位运算符；乘方请用 ^ 或 **。",
    ),
    "fx_hint_matmul_char": (
        "Matrix products are not supported; use * to multiply.",
        "不支持矩阵乘法；乘法请用 *。",
    ),
    "fx_hint_semicolon": ("Write a single formula, without ';'.", "只写一个公式，不要用 ';'。"),
    "fx_hint_colon": (
        "Lambdas, slices and conditions are not supported.",
        "不支持 lambda、切片和条件表达式。",
    ),
    "fx_hint_names": (
        "The names are x, y, pi and e; the functions are {functions}.",
        "可用的名称有 x、y、pi 和 e；可用的函数有 {functions}。",
    ),
    "fx_hint_comments": ("Comments are not supported.", "不支持注释。"),
    "fx_hint_backslash": (
        "Write the formula without backslashes.",
        "公式里不要写反斜杠。",
    ),
    "fx_hint_allowed": (
        "Only letters, digits, spaces and . , + - * / ^ ( ).",
        "只能使用字母、数字、空格和 . , + - * / ^ ( )。",
    ),
    "fx_hint_retype": (
        "Retype it on a plain keyboard: look-alike and invisible characters are refused.",
        "请用普通键盘重新输入：外形相似的字符和看不见的字符都不接受。",
    ),
    "fx_hint_example": ("For example: x^2 + y^2.", "例如：x^2 + y^2。"),
    "fx_hint_close": ("Every ')' needs an earlier '('.", "每个 ')' 前面都要有与之配对的 '('。"),
    "fx_hint_number_limit": ("Numbers must stay below 1.8e308.", "数字必须小于 1.8e308。"),
    "fx_hint_times": ("Write 2*x, not 2x.", "请写 2*x，而不是 2x。"),
    "fx_hint_number_examples": ("Write 12, 0.5 or 2e-3.", "请写成 12、0.5 或 2e-3 这样的形式。"),
    "fx_hint_missing_end": ("Is something missing at the end?", "结尾是不是漏了什么？"),
    "fx_hint_missing_operator": (
        "Check for a missing operator (write 2*x, not 2x) or a misplaced sign.",
        "请检查是否漏写了运算符（要写 2*x，而不是 2x），或者符号放错了位置。",
    ),
    "fx_hint_divide": ("Use '/' to divide.", "除法请用 '/'。"),
    "fx_hint_multiply": ("Use * to multiply.", "乘法请用 *。"),
    "fx_hint_powers": ("Use ^ or ** for powers.", "乘方请用 ^ 或 **。"),
    "fx_hint_min_max": ("Try min, max or abs.", "可以试试 min、max 或 abs。"),
    "fx_hint_commas": (
        "Commas only separate function arguments: atan2(y, x).",
        "逗号只用来分隔函数的参数：atan2(y, x)。",
    ),
    "fx_hint_fill_parens": ("Put a formula inside ( ).", "请在 ( ) 里写上公式。"),
    "fx_hint_call": (
        "Write {name}(...) with its input.",
        "请写成 {name}(...)，在括号里写上它的参数。",
    ),
    "fx_hint_times_call": ("Write {name}*(...) to multiply.", "若要相乘，请写成 {name}*(...)。"),
    "fx_hint_did_you_mean": ("Did you mean {known}?", "你是不是想写 {known}？"),
    "fx_hint_ln": ("Use log for the natural logarithm.", "自然对数请用 log。"),
    # ---- Plot box -----------------------------------------------------------------------------
    "box_not_numbers": (
        "The plot box needs four numbers: x from, x to, y from, y to",
        "绘图范围需要四个数字：x 最小值、x 最大值、y 最小值、y 最大值",
    ),
    "box_not_finite": (
        "The {axis} range must be finite numbers within ±{limit}",
        "{axis} 的范围必须是 ±{limit} 以内的有限数",
    ),
    "box_empty": (
        "The {axis} range is empty: 'from' ({low}) must be below 'to' ({high})",
        "{axis} 的范围是空的：最小值（{low}）必须小于最大值（{high}）",
    ),
    # ---- The Playground while its input is invalid --------------------------------------------
    "input_formula_error": ("The formula cannot be used", "这个公式无法使用"),
    "input_box_error": ("The plot box cannot be used", "这个绘图范围无法使用"),
    "input_kept": (
        "Your other settings are kept: the race runs with them as soon as the input is valid "
        "again.",
        "其他设置都会保留：输入一旦恢复有效，竞速就会按这些设置重新运行。",
    ),
}
