"""English and Simplified Chinese string tables, and the language chosen by default.

Every string the app shows goes through `text(key, lang)`. The table is data: one entry per key
with both languages, so a test can check that every key is translated and that the placeholders
agree. Proper names (Rosenbrock, Adam, torch identifiers) stay as they are in both languages.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType

from core.text.batched import BATCH_TEXT
from core.text.inputs import INPUT_TEXT
from core.text.lab import LAB_TEXT
from core.text.lessons import LESSON_TEXT

LANGUAGES: Mapping[str, str] = MappingProxyType({"en": "English", "zh": "简体中文"})
DEFAULT_LANGUAGE = "en"

_TABLE: dict[str, tuple[str, str]] = {
    # App frame
    "app_title": ("Optimizer Playground", "优化器游乐场"),
    "page_playground": ("Playground", "游乐场"),
    "page_autograd_lab": ("Autograd Lab", "自动微分实验室"),
    "page_lessons": ("Lessons", "课程"),
    "page_basins": ("Batched views", "批量视图"),
    "language": ("Language / 语言", "语言 / Language"),
    "link_ignored": (
        "Ignored '{key}' from the link ({why}); using the default.",
        "已忽略链接中的“{key}”（{why}），改用默认值。",
    ),
    # Why a link's value was refused (core.settings.linkstate.FieldError), inside link_ignored
    "link_why_unknown_or_repeated": ("unknown or repeated entries", "其中有未知或重复的项"),
    "link_why_too_long": ("too long", "值太长"),
    "link_why_longer_than": ("longer than {limit} characters", "长度超过 {limit} 个字符"),
    "link_why_not_a_choice": ("not one of the choices", "不是可选值之一"),
    "link_why_not_a_bool": ("not true or false", "不是 true 或 false"),
    "link_why_not_a_pair": ("not two numbers separated by a comma", "不是用逗号隔开的两个数"),
    "link_why_not_whole": ("not a whole number", "不是整数"),
    "link_why_not_a_number": ("not a number", "不是数字"),
    "link_why_out_of_range": ("not a number from {low} to {high}", "不在 {low} 到 {high} 的范围内"),
    "link_why_not_a_stop": ("not one of the slider's values", "不是滑块上的刻度值"),
    "unexpected_error": (
        "Something went wrong on this page. The rest of the app keeps working; "
        "change a setting or reload the page.",
        "本页面出现了问题。应用的其他页面仍可正常使用；请修改某项设置，或重新加载页面。",
    ),
    "error_details": ("Details", "详细信息"),
    # A number field's refusal (app_pages.number_field), under the field
    "number_refused": (
        "{label}: {value} was not taken ({why}); it stays {kept}.",
        "{label}：没有采用 {value}（{why}），仍为 {kept}。",
    ),
    # The work budget (core.runs.budget): what a request over it must reduce
    "budget_exceeded": (
        "Too much work for one request ({work} optimizer-steps{setup}; the limit is {budget}). Use at most {fit} steps, or {smaller}.",
        "一次请求的计算量过大（需要 {work} 个优化器步{setup}，上限为 {budget}）。请把步数减到 {fit} 以内，或者{smaller}。",
    ),
    "budget_setup": (
        ", {setup} of them to estimate the typed formula's minimum",
        "，其中 {setup} 个用于估计所输入公式的最小值",
    ),
    "budget_smaller_race": ("race fewer optimizers", "减少参加竞速的优化器"),
    "budget_smaller_basins": ("use a coarser grid", "使用更粗的网格"),
    "budget_smaller_sweep": ("sweep fewer rates or optimizers", "减少扫描的学习率或优化器"),
    "budget_smaller_momentum": ("use a smaller map", "缩小动量图的网格"),
    "error_reference": (
        "{kind}; the server log has the details under reference {incident}",
        "{kind}；详细信息记录在服务器日志中，编号为 {incident}",
    ),
    # Playground controls
    "function": ("Function", "函数"),
    "custom_formula_option": ("Custom formula…", "自定义公式……"),
    "formula_help": (
        "Use x, y, numbers, pi, e, + - * / ^, parentheses and sin cos tan exp log log10 sqrt "
        "abs tanh sinh cosh arctan atan2 min max.",
        "可以使用 x、y、数字、pi、e、+ - * / ^、括号，以及函数 sin cos tan exp log log10 "
        "sqrt abs tanh sinh cosh arctan atan2 min max。",
    ),
    "plot_box": ("Plot box", "绘图范围"),
    "x_from": ("x from", "x 最小值"),
    "x_to": ("x to", "x 最大值"),
    "y_from": ("y from", "y 最小值"),
    "y_to": ("y to", "y 最大值"),
    "optimizers": ("Optimizers", "优化器"),
    "settings_of": ("{name} settings", "{name} 的设置"),
    "schedule": ("schedule", "学习率调度"),
    "schedule_none": ("constant learning rate", "恒定学习率"),
    "schedule_step": ("Step decay (StepLR)", "阶梯式衰减（StepLR）"),
    "schedule_exponential": ("Exponential (ExponentialLR)", "指数衰减（ExponentialLR）"),
    "schedule_cosine": ("Cosine annealing (CosineAnnealingLR)", "余弦退火（CosineAnnealingLR）"),
    "gamma": ("γ (decay factor)", "γ（衰减因子）"),
    "decay_every": ("decay every (steps)", "衰减间隔（步）"),
    # A schedule refused (core.optim.schedules.Schedule), inside cannot_run
    "err_schedule_kind": (
        "Unknown learning-rate schedule {value}",
        "没有名为 {value} 的学习率调度",
    ),
    "err_schedule_gamma": (
        "The decay factor γ must be above 0 and at most 1, got {value}",
        "衰减因子 γ 必须大于 0 且不超过 1，当前为 {value}",
    ),
    "err_schedule_step_size": (
        "The decay interval must be a whole number of steps, at least 1, got {value}",
        "衰减间隔必须是不小于 1 的整数步数，当前为 {value}",
    ),
    "start_point": ("Start point", "起点"),
    "start_outside": (
        "The start {point} lies outside the box of {name}; using its default start {start}.",
        "起点 {point} 在 {name} 的绘图范围之外，已改用该函数的默认起点 {start}。",
    ),
    "reset_start": ("Reset to the function's start", "恢复为函数的默认起点"),
    "click_map": ("…or click the map:", "……或者直接在下图中点击："),
    "steps": ("Steps", "步数"),
    "device": ("Device", "设备"),
    "gpu_note": (
        "A GPU is slower than the CPU for one 2-D path (kernel launch latency); it pays off "
        "only for large batches of starts.",
        "对单条二维路径来说，GPU 比 CPU 还慢（每次启动核函数都有延迟）；只有一次运行大批起点时，GPU 才更快。",
    ),
    "more_options": ("More options", "更多选项"),
    "noise": ("Gradient noise (std)", "梯度噪声（标准差）"),
    "noise_help": (
        "Adds seeded Gaussian noise to every gradient: stochastic gradients.",
        "给每个梯度加上高斯噪声（种子固定，可以复现），用来模拟随机梯度。",
    ),
    "noise_seed": ("Noise seed", "噪声种子"),
    "project": ("Keep iterates in the box (projection)", "把迭代点限制在绘图范围内（投影）"),
    "project_help": (
        "After each step, clamp the point back into the plotted box.",
        "每一步之后，把超出绘图范围的点截断回范围之内。",
    ),
    "speed": ("Animation speed", "动画速度"),
    "speed_slow": ("slow", "慢"),
    "speed_normal": ("normal", "适中"),
    "speed_fast": ("fast", "快"),
    # Hyper-parameter labels, by torch keyword
    "param_lr": ("learning rate", "学习率"),
    "param_momentum": ("momentum", "动量"),
    "param_dampening": ("dampening", "阻尼"),
    "param_weight_decay": ("weight decay", "权重衰减"),
    "param_beta1": ("β₁ (first moment decay)", "β₁（一阶矩衰减）"),
    "param_beta2": ("β₂ (second moment decay)", "β₂（二阶矩衰减）"),
    "param_eps": ("ε (numerical floor)", "ε（数值稳定项）"),
    "param_amsgrad": ("AMSGrad", "使用 AMSGrad 变体"),
    "param_alpha": ("α (decay)", "α（平滑系数）"),
    "param_centered": ("centered", "中心化"),
    "param_lr_decay": ("learning-rate decay", "学习率衰减"),
    "param_initial_accumulator_value": ("initial accumulator", "累加器初值"),
    "param_rho": ("ρ (decay)", "ρ（平滑系数）"),
    "param_momentum_decay": ("momentum decay", "动量衰减"),
    "param_lambd": ("λ (decay term)", "λ（衰减系数）"),
    "param_etaminus": ("η⁻ (shrink)", "η⁻（缩小因子）"),
    "param_etaplus": ("η⁺ (grow)", "η⁺（放大因子）"),
    "param_max_iter": ("iterations per step", "每步迭代次数"),
    "param_max_eval": ("evaluations per step", "每步函数求值次数"),
    "param_history_size": ("history size", "历史长度"),
    "param_line_search_fn": ("line search", "线搜索"),
    # A hyper-parameter refused (core.optim.optimizers.HyperParam); {name} is its label above
    "err_hyper_bool": (
        "The setting {name} must be true or false, got {value}",
        "{name}必须是 true 或 false，当前为 {value}",
    ),
    "err_hyper_choice": (
        "The {name} must be one of {choices}, got {value}",
        "{name}必须是 {choices} 之一，当前为 {value}",
    ),
    "err_hyper_number": (
        "The {name} must be a number, got {value}",
        "{name}必须是数字，当前为 {value}",
    ),
    "err_hyper_range": (
        "The {name} must be from {low} to {high}, got {value}",
        "{name}必须在 {low} 到 {high} 之间，当前为 {value}",
    ),
    "err_hyper_above": (
        "The {name} must be above {low} and at most {high}, got {value}",
        "{name}必须大于 {low} 且不超过 {high}，当前为 {value}",
    ),
    "err_hyper_whole": (
        "The {name} must be a whole number, got {value}",
        "{name}必须是整数，当前为 {value}",
    ),
    # Playground output
    "global_minimum_caption": (
        "Global minimum f = {value} at {points}.",
        "全局最小值 f = {value}，位于 {points}。",
    ),
    "estimated_minimum_caption": (
        "Estimated minimum in the box (multi-start descent): f ≈ {value} at {points}.",
        "绘图范围内最小值的估计（多起点下降）：f ≈ {value}，位于 {points}。",
    ),
    "no_minimum": ("No global minimum.", "没有全局最小值。"),
    "no_minimum_known": ("No minimum known.", "最小值未知。"),
    "pick_optimizer": (
        "Pick at least one optimizer in the sidebar.",
        "请在侧边栏中至少选择一个优化器。",
    ),
    "cannot_run": ("Cannot run these settings: {error}", "无法按这些设置运行：{error}"),
    # A run refused (core.runs.engine), inside cannot_run
    "err_unknown_function": ("Unknown function {value}", "没有名为 {value} 的函数"),
    "err_unknown_optimizer": ("Unknown optimizer {value}", "没有名为 {value} 的优化器"),
    "err_steps": (
        "Steps must be a whole number from 0 to {max}, got {value}",
        "步数必须是 0 到 {max} 之间的整数，当前为 {value}",
    ),
    "err_device": (
        "Device {device} is not available here (available: {devices})",
        "这里没有设备 {device}（可用的设备：{devices}）",
    ),
    "err_noise": (
        "Gradient noise must be a finite number of at least 0, got {value}",
        "梯度噪声必须是不小于 0 的有限数，当前为 {value}",
    ),
    "err_start": (
        "The start must be finite (x, y) coordinates, or an array of them [B, 2], got {value}",
        "起点必须是有限的 (x, y) 坐标，或由这样的坐标组成的 [B, 2] 数组，当前为 {value}",
    ),
    "err_batch_coupled": (
        "{name} couples the coordinates of all runs in a batch (it uses dot products over every "
        "parameter), so batched starts would not be independent runs. Run one start at a time.",
        "{name} 会把一批运行的所有坐标耦合在一起（它要用到所有参数上的点积），"
        "因此批量起点不再是相互独立的运行。请一次只运行一个起点。",
    ),
    "stop_diverged": (
        "{name} diverged at step {step}: {what} became {value}",
        "{name} 在第 {step} 步发散：{what}变成了 {value}",
    ),
    "stop_escaped": (
        "{name} left the plotted region at step {step}",
        "{name} 在第 {step} 步离开了绘图区域",
    ),
    "stop_completed": ("{name} completed {steps} steps", "{name} 跑完了 {steps} 步"),
    "stop_budget": (
        "{name} stopped at step {step}: its line searches used up this request's work budget ({budget} evaluations of f). Fewer steps or optimizers leave it more.",
        "{name} 在第 {step} 步停止：它的线搜索用完了本次请求的计算预算（{budget} 次 f 求值）。"
        "减少步数或优化器，就能给它留出更多预算。",
    ),
    "what_loss": ("loss", "损失"),
    "what_gradient": ("gradient", "梯度"),
    "race_running": ("Racing…", "正在竞速……"),
    "race_quiet": (
        "Running a long race… Change any setting to stop it and start the new one.",
        "正在进行一场较长的竞速……修改任意一项设置，就会停止这一场并开始新的竞速。",
    ),
    "stop_line_search": (
        "{name} diverged at step {step}: its line search met a loss of {value}, and torch's "
        "L-BFGS cannot go on from a non-finite value",
        "{name} 在第 {step} 步发散：线搜索遇到了值为 {value} 的损失，"
        "而 PyTorch 的 L-BFGS 遇到非有限值就无法继续",
    ),
    "tab_race": ("Race", "竞速"),
    "tab_surface": ("3-D surface", "三维曲面"),
    "tab_inspector": ("Inspector", "优化器内部"),
    "tab_code": ("Code", "代码"),
    "tab_curvature": ("Curvature", "曲率"),
    "curvature_optimizer": ("Path", "路径"),
    "curvature_note": (
        "Eigenvalues of the Hessian at each iterate, from autograd (differentiating twice). "
        "Gradient descent is stable where lr < 2/λ_max; a large condition number means a ravine.",
        "每个迭代点处 Hessian 的特征值，由自动微分两次求导得到。lr < 2/λ_max 时梯度下降是稳定的；"
        "条件数大，说明这里是一条狭窄的峡谷。",
    ),
    "summary": ("Summary", "汇总"),
    "inspect_optimizer": ("Optimizer to inspect", "要查看的优化器"),
    "inspect_step": (
        "Step t (the update from $x_t$ to $x_{t+1}$)",
        "第 t 步（从 $x_t$ 到 $x_{t+1}$ 的更新）",
    ),
    "code_note": (
        "A self-contained PyTorch script that reproduces this race exactly and prints where each optimizer ends.",
        "一个可以独立运行的 PyTorch 脚本：逐位复现这场竞速，并打印每个优化器的终点。",
    ),
    "download_script": ("Download the script", "下载脚本"),
    "download_csv": ("Download all iterates (CSV)", "下载全部迭代点（CSV）"),
    "pin_run": ("Pin this run as a ghost", "把这次运行固定下来作对照"),
    "clear_pin": ("Clear the pinned run", "清除对照"),
    "pinned_note": (
        "The pinned run is drawn faded: change one setting and compare.",
        "作对照的运行以淡色显示：改动一项设置，再比较两者。",
    ),
    # Summary columns
    "col_optimizer": ("optimizer", "优化器"),
    "col_final_x": ("final x", "最终 x"),
    "col_final_y": ("final y", "最终 y"),
    "col_final_loss": ("final loss", "最终损失"),
    "col_gap": ("gap to f_min", "与 f_min 之差"),
    "col_distance": ("distance", "距最小值"),
    "col_first_near": ("reached at step", "到达的步数"),
    "col_stop": ("stop", "结束原因"),
    "col_time": ("time (ms)", "耗时（ms）"),
    "col_time_help": (
        "Compute time of the run, in milliseconds.",
        "这次运行的计算耗时，单位为毫秒。",
    ),
    "col_gap_help": (
        "Final loss minus the function's global minimum value. — : no minimum value is known.",
        "最终损失减去函数的全局最小值。“—”表示最小值未知。",
    ),
    "col_distance_help": (
        "From the last point to the nearest global minimum. — : no minimum is known.",
        "最后一个点到最近的全局最小值点的距离。“—”表示没有已知的最小值。",
    ),
    "col_first_near_help": (
        "The first step near a minimum: within {radius} of a global minimum (1% of the plot's "
        "diagonal). — : never that close.",
        "第一次接近最小值的那一步：第一次进入某个全局最小值点周围 {radius} 以内"
        "（绘图范围对角线的 1%）。“—”表示从未这么接近。",
    ),
    "col_stop_help": (
        "Why the run ended. For a run that diverged or left the plot, the full message is shown "
        "above the chart.",
        "运行结束的原因。对发散或离开绘图区域的运行，完整的说明显示在图表上方。",
    ),
    "stop_short_completed": ("completed {steps} steps", "跑完 {steps} 步"),
    "stop_short_diverged": ("diverged at step {step}", "第 {step} 步发散"),
    "stop_short_escaped": ("left the plot at step {step}", "第 {step} 步出界"),
    "stop_short_budget": ("out of budget at step {step}", "第 {step} 步用完预算"),
    # Figures
    "fig_loss": ("loss per step", "每步的损失"),
    "fig_grad": ("gradient norm per step", "每步的梯度范数"),
    "fig_lr": ("learning rate per step", "每步的学习率"),
    "axis_step": ("step", "步"),
    "axis_loss": ("loss f(x, y)", "损失 f(x, y)"),
    "axis_gap": ("f - f_min (log)", "f - f_min（对数坐标）"),
    "axis_grad": ("‖∇f‖ (log)", "‖∇f‖（对数坐标）"),
    "axis_lr": ("learning rate", "学习率"),
    "colour_f": ("f", "f"),
    "colour_f_log": ("f (log)", "f（对数）"),
    "play": ("▶ Play", "▶ 播放"),
    "pause": ("❚❚ Pause", "❚❚ 暂停"),
    "resume": ("▶ Resume", "▶ 继续"),
    "step_of": ("Step {step}", "第 {step} 步"),
    "global_minimum": ("global minimum", "全局最小值"),
    "estimated_minimum": ("estimated minimum", "估计的最小值"),
    "start": ("start", "起点"),
    "start_here": ("start here", "从这里出发"),
    "pinned": ("{name} (pinned)", "{name}（对照）"),
    "fig_floor": ("float32 resolution", "float32 精度下限"),
    "fig_floor_tip": (
        "Below {value}, f − f_min is float32 rounding noise: such gaps are drawn on this line.",
        "f − f_min 低于 {value} 时只是 float32 的舍入噪声，这样的差值都画在这条线上。",
    ),
    "outside_box_short": ("outside box", "范围外"),
    "fig_outside_tip": (
        "outside the plot box: f can be lower there than the f_min of the box",
        "位于绘图范围之外：那里的 f 可能比范围内的 f_min 还低",
    ),
    "fig_no_step": (
        "No step for {names}: f or its gradient is not finite at the start ({x}, {y}). "
        "Move the start or change the formula.",
        "{names} 一步也没有走：f 或它的梯度在起点 ({x}, {y}) 处不是有限值。请移动起点，或修改公式。",
    ),
}

# Objective names and one-line notes; names of standard functions are proper names.
_OBJECTIVE_TEXT: dict[str, tuple[str, str]] = {
    "name_quadratic": ("Ill-conditioned quadratic", "病态二次函数"),
    "name_banana": ("Banana (scaled Rosenbrock)", "香蕉函数（缩放的 Rosenbrock）"),
    "name_saddle": ("Saddle", "鞍面"),
    "name_two_wells": ("Two wells", "双势阱"),
    "name_custom": ("Custom formula", "自定义公式"),
    "note_rosenbrock": (
        "A long curved valley: easy to find, slow to follow.",
        "一条弯曲的长峡谷：谷底很容易找到，沿着谷底前进却很慢。",
    ),
    "note_beale": (
        "Flat middle, huge corners: values span many decades.",
        "中间平坦，四角极高：函数值跨越许多个数量级。",
    ),
    "note_himmelblau": (
        "Four global minima, four basins: the start decides.",
        "四个全局最小值，各有自己的吸引盆：从哪里出发，决定了到达哪一个。",
    ),
    "note_booth": (
        "A convex quadratic bowl, Hessian [[10, 8], [8, 10]].",
        "一个凸的二次碗形曲面，Hessian 为 [[10, 8], [8, 10]]。",
    ),
    "note_rastrigin": (
        "A lattice of local minima around one global minimum.",
        "唯一的全局最小值周围，布满了格点状排列的局部最小值。",
    ),
    "note_ackley": (
        "Many ripples on a funnel; not differentiable at the minimum.",
        "漏斗形曲面上布满波纹；在最小值处不可导。",
    ),
    "note_goldstein_price": (
        "Steep walls and local minima at 30, 84 and 840.",
        "四壁陡峭，还有函数值为 30、84 和 840 的局部最小值。",
    ),
    "note_six_hump_camel": (
        "Six local minima, two of them global.",
        "六个局部最小值，其中两个是全局最小值。",
    ),
    "note_matyas": (
        "A shallow tilted valley: Hessian eigenvalues 0.04 and 1.",
        "一条又浅又斜的峡谷：Hessian 的特征值为 0.04 和 1。",
    ),
    "note_three_hump_camel": (
        "One global and two local minima (value 0.29864).",
        "一个全局最小值，两个局部最小值（函数值为 0.29864）。",
    ),
    "note_styblinski_tang": ("Four wells of different depth.", "四个深浅不同的坑。"),
    "note_levi13": ("Dense ripples over a bowl.", "碗形曲面上布满密集的波纹。"),
    "note_mccormick": ("A smooth tilted valley.", "一条平滑而倾斜的峡谷。"),
    "note_easom": (
        "Flat almost everywhere, one narrow hole (zoomed box).",
        "几乎处处平坦，只有一个狭窄的深坑（绘图范围已放大）。",
    ),
    "note_eggholder": (
        "Global minimum on the boundary: turn on the box constraint.",
        "全局最小值在边界上：请勾选“把迭代点限制在绘图范围内”。",
    ),
    "note_quadratic": (
        "Condition number 100: gradient descent zig-zags; stable only for lr < 0.02.",
        "条件数为 100：梯度下降走锯齿形路线，来回振荡；只有 lr < 0.02 时才稳定。",
    ),
    "note_banana": ("A gentler curved valley.", "一条较平缓的弯曲峡谷。"),
    "note_saddle": (
        "No minimum: who escapes the saddle along y, and how fast?",
        "没有最小值：谁能沿 y 方向逃离鞍点？逃得多快？",
    ),
    "note_two_wells": (
        "A deep well on the left, a shallow one on the right (0.294).",
        "左边是一口深井，右边是一口浅井（井底的函数值为 0.294）。",
    ),
}

STRINGS: Mapping[str, Mapping[str, str]] = MappingProxyType(
    {
        key: MappingProxyType({"en": en, "zh": zh})
        for key, (en, zh) in (
            _TABLE | _OBJECTIVE_TEXT | LESSON_TEXT | LAB_TEXT | BATCH_TEXT | INPUT_TEXT
        ).items()
    }
)


# A space between two Chinese characters: left where a Chinese value (a name such as 梯度权重)
# fills a placeholder spaced for a Latin one ("{name} 必须是…"). Chinese puts none there.
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff]) (?=[\u4e00-\u9fff])")


def text(key: str, lang: str = DEFAULT_LANGUAGE, /, **values: object) -> str:
    """The string `key` in `lang` ("en" or "zh"), with `values` filled into its placeholders.

    An unknown language falls back to English; an unknown key raises KeyError (a test catches
    every key the code uses).
    """
    entry = STRINGS[key]
    template = entry.get(lang, entry[DEFAULT_LANGUAGE])
    filled = template.format(**values) if values else template
    return _CJK_GAP.sub("", filled) if lang == "zh" and values else filled


def sentences(parts: Iterable[str], lang: str) -> str:
    """Sentences one after another as the language writes them: a space in English, none in
    Chinese (its full stop ends a sentence)."""
    return ("" if lang == "zh" else " ").join(parts)


def colon(lang: str) -> str:
    """What separates a label from what it labels: ": " in English, a full-width "：" (no space)
    in Chinese."""
    return "：" if lang == "zh" else ": "


def language_from_locale(locale: str | None) -> str:
    """The app language for a browser locale such as 'zh-CN' or 'en-US'."""
    return "zh" if (locale or "").lower().startswith("zh") else DEFAULT_LANGUAGE


def objective_name_key(objective_id: str) -> str | None:
    """The key of an objective's translated name, or None where its name is a proper name."""
    key = f"name_{objective_id}"
    return key if key in STRINGS else None


def objective_name(objective_id: str, english_name: str, lang: str) -> str:
    """Display name of an objective: translated where it is a description, else the name."""
    key = objective_name_key(objective_id)
    return english_name if key is None else text(key, lang)


def objective_note(objective_id: str, lang: str) -> str:
    key = f"note_{objective_id}"
    return text(key, lang) if key in STRINGS else ""


def stop_message(
    reason: str, step: int, name: str, lang: str, what: str = "", value: object = None
) -> str:
    """Why a run ended, in `lang` (see core.runs.engine.Stop)."""
    if reason == "diverged" and what == "line_search":  # core.runs.engine.LINE_SEARCH
        return text("stop_line_search", lang, name=name, step=step, value=value)
    if reason == "diverged":
        return text(
            "stop_diverged",
            lang,
            name=name,
            step=step,
            what=text(f"what_{what}", lang),
            value=value,
        )
    if reason == "escaped":
        return text("stop_escaped", lang, name=name, step=step)
    if reason == "budget":
        return text("stop_budget", lang, name=name, step=step, budget=f"{value:,.0f}")
    return text("stop_completed", lang, name=name, steps=step - 1)
