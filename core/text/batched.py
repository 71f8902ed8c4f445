"""Words of the Batched views page and of the optimizer inspector, in English and Chinese.

Keys: bv_* (the Batched views page, its core modules and figures: bv_err_* for bad input,
bv_fig_* and bv_axis_* for charts) and insp_* (the Playground's Inspector: insp_src_* where a
number comes from, insp_m_* what it means, insp_note_*, insp_arrow_*, insp_fig_*, insp_err_*).
Optimizer and function names, torch identifiers and pure math (2/λ_max, log₁₀(f − f_min), x_t)
are not text and stay out of this table.
"""

BATCH_TEXT: dict[str, tuple[str, str]] = {
    # ---- Batched views page -------------------------------------------------------------------
    "bv_intro": (
        "What one run cannot show: thousands of independent runs at once. Elementwise torch.optim "
        "optimizers update each coordinate from its own history only, so a grid of starts runs as "
        "one tensor and every row is exactly the run that start would make alone.",
        "这里展示单次运行看不到的东西：成千上万次独立运行同时进行。逐元素的 torch.optim 优化器"
        "只根据每个坐标自己的历史来更新该坐标，因此整张起点网格可以作为一个张量一起运行，"
        "而每一行都恰好是该起点单独运行时的结果。",
    ),
    "bv_tab_basins": ("Basins of attraction", "吸引盆"),
    "bv_tab_sweep": ("Learning-rate sweep", "学习率扫描"),
    "bv_tab_momentum": ("Momentum map", "动量图"),
    # Sidebar
    "bv_optimizer": ("Optimizer", "优化器"),
    "bv_steps": ("Steps per run", "每次运行的步数"),
    "bv_grid": ("Basin grid (starts per side)", "吸引盆网格（每边的起点数）"),
    "bv_tolerance": ("Tolerance (% of the box diagonal)", "容差（占绘图范围对角线的百分比）"),
    "bv_tolerance_help": (
        "A run has reached a minimum when it ends within this distance of it; it has "
        "converged at the first step from which it stays that close.",
        "一次运行结束时，若离某个最小值不超过这个距离，就算到达了该最小值；"
        "从某一步起一直保持在这个距离以内，就算在那一步收敛。",
    ),
    "bv_device_help": (
        "Where the basin map runs. A GPU pays off for large grids and many steps; the sweeps "
        "and the momentum map run on the CPU, where every row gives torch.optim's numbers bit "
        "for bit.",
        "吸引盆图在哪个设备上计算。网格大、步数多时 GPU 更快；学习率扫描和动量图在 CPU 上运行，"
        "每一行的结果都与 torch.optim 逐位相同。",
    ),
    "bv_sidebar_note": (
        "Every start or setting is bitwise its own torch.optim run in float32: the starts "
        "share one [B, 2] tensor and one optimizer; the settings of a sweep share one [R, 2] "
        "tensor, each row updated by torch.optim's own formula with its own learning rate "
        "(and momentum).",
        "每个起点、每组设置的结果，都与它单独用 float32 运行 torch.optim 的结果逐位相同："
        "所有起点共用一个 [B, 2] 张量和一个优化器；扫描中的各组设置共用一个 [R, 2] 张量，"
        "每一行按 torch.optim 自己的更新公式、用该行自己的学习率（和动量）更新。",
    ),
    # Progress bars
    "bv_progress_basins": (
        "Running {starts} starts × {steps} steps…",
        "正在运行 {starts} 个起点 × {steps} 步……",
    ),
    "bv_progress_sweep": (
        "Sweeping {rates} learning rates × {optimizers} optimizers × {steps} steps…",
        "正在扫描 {rates} 个学习率 × {optimizers} 个优化器 × {steps} 步……",
    ),
    "bv_progress_momentum": (
        "Running {pairs} (rate, momentum) pairs × {steps} steps…",
        "正在运行 {pairs} 个（学习率，动量）组合 × {steps} 步……",
    ),
    # Basins tab
    "bv_colour_by": ("Colour each start by", "每个起点的着色依据"),
    "bv_view_minimum": ("minimum reached", "到达的最小值"),
    "bv_view_loss": ("final loss", "最终损失"),
    "bv_view_steps": ("steps to converge", "收敛所需步数"),
    "bv_view_left": ("step it left the region", "离开区域时的步数"),
    "bv_no_minimum": (
        "{name} has no minimum, so there is no basin to colour: the map shows the final loss, "
        "or the step at which each start left the region.",
        "{name} 没有最小值，因此没有可着色的吸引盆：图中显示最终损失，或每个起点离开区域时的步数。",
    ),
    "bv_basins_caption": (
        "{starts} starts × {steps} steps in one batched run: {seconds} s. {reached} reached a "
        "minimum (within {radius}), {none} did not, {diverged} diverged or left the region.",
        "一次批量运行 {starts} 个起点 × {steps} 步：用时 {seconds} 秒。其中 {reached} 个到达了"
        "最小值（距离在 {radius} 以内），{none} 个没有到达，{diverged} 个发散或离开了区域。",
    ),
    # Learning-rate sweep tab
    "bv_lbfgs_help": (
        "L-BFGS is left out: torch accepts only one param group for it, and its line "
        "search couples the rates.",
        "这里不包括 L-BFGS：torch 只允许它有一个参数组，而且它的线搜索会把各个学习率耦合在一起。",
    ),
    "bv_plot": ("Plot", "图中显示"),
    "bv_lr_range": ("Learning rates from … to", "学习率范围：从 … 到"),
    "bv_rate_count": ("Number of rates (log-spaced)", "学习率个数（对数间隔）"),
    "bv_start_x": ("start x", "起点 x"),
    "bv_start_y": ("start y", "起点 y"),
    "bv_pick_sweep": ("Pick at least one optimizer to sweep.", "请至少选择一个要扫描的优化器。"),
    "bv_empty_range": (
        "Pick a range: the first learning rate must be below the second.",
        "请选择一个范围：第一个学习率必须小于第二个。",
    ),
    "bv_quadratic_caption": (
        "{name} is a quadratic: its Hessian, from autograd differentiating twice, is {hessian} "
        "everywhere, with eigenvalues {low} and {high}. Gradient descent converges exactly for "
        "lr < 2/λ_max = {limit} (dashed line); with momentum β the limit is 2(1+β)/λ_max.",
        "{name} 是二次函数：由自动微分两次求导得到的 Hessian 处处等于 {hessian}，"
        "特征值为 {low} 和 {high}。当且仅当 lr < 2/λ_max = {limit}（虚线）时，梯度下降收敛；"
        "带动量 β 时，这个上限变为 2(1+β)/λ_max。",
    ),
    "bv_diverged_everywhere": ("{name}: diverged at every rate", "{name}：每个学习率都发散"),
    "bv_stable_up_to": (
        "{name}: no divergence up to lr = {rate}",
        "{name}：直到 lr = {rate} 都没有发散",
    ),
    "bv_sweep_summary": (
        "{stable}. Other hyper-parameters: the sidebar's for {name}, the defaults for the others.",
        "{stable}。其他超参数：{name} 用侧边栏中的设置，其余优化器用默认值。",
    ),
    # Momentum map tab
    "bv_map_function": ("Function for this map", "本图使用的函数"),
    "bv_method": ("Method", "方法"),
    "bv_heavy_ball": ("heavy ball (SGD, momentum)", "重球法（SGD，动量）"),
    "bv_map_grid": ("Grid", "网格"),
    "bv_momentum_caption": (
        "Final loss after {steps} steps of torch.optim.SGD's update from {start}, one row per "
        "(learning rate, momentum) pair, each bitwise its own run: the convergence map of Goh, "
        "“Why Momentum Really Works” (Distill, 2017). Black cells diverged.",
        "从 {start} 出发、按 torch.optim.SGD 的更新公式运行 {steps} 步后的最终损失；"
        "每个（学习率，动量）组合占一行，结果与单独运行逐位相同。这就是 Goh 在"
        "“Why Momentum Really Works”（Distill，2017）一文中画的收敛图。黑色格子表示发散。",
    ),
    "bv_momentum_limit": (
        "The dashed line is the stability limit lr = 2(1+β)/λ_max of the quadratic.",
        "虚线是该二次函数的稳定性边界 lr = 2(1+β)/λ_max。",
    ),
    # Why an optimizer cannot be batched or swept
    "bv_not_batchable": (
        "{name} is not elementwise: its update uses dot products over every parameter and a "
        "line search shared by all of them, so a batch of starts run as one tensor would be one "
        "coupled run, not independent runs. Batched views need an elementwise optimizer "
        "(SGD, Momentum, Adam, ...); run L-BFGS from single starts on the Playground.",
        "{name} 不是逐元素优化器：它的更新要用到所有参数上的点积，以及所有参数共用的线搜索，"
        "因此把一批起点放进一个张量一起运行，得到的是一次耦合的运行，而不是多次独立运行。"
        "批量视图需要逐元素的优化器（SGD、Momentum、Adam 等）；L-BFGS 请在游乐场中从单个起点运行。",
    ),
    "bv_not_sweepable": (
        "{name} cannot be swept with one param group per learning rate: torch's L-BFGS "
        "accepts a single param group, and its line search and dot products couple every "
        "parameter, so the rates would not be independent runs.",
        "{name} 无法按“每个学习率一个参数组”的方式扫描：torch 的 L-BFGS 只接受一个参数组，"
        "而且它的线搜索和点积会把所有参数耦合在一起，各个学习率的运行就不再相互独立。",
    ),
    # Bad input (core.text.refusal.Refusal keys)
    "bv_err_steps_whole": (
        "Steps must be a whole number from 1 to {max}, got {value}",
        "步数必须是 1 到 {max} 之间的整数，当前为 {value}",
    ),
    "bv_err_steps_range": (
        "Steps must be from 1 to {max}, got {value}",
        "步数必须在 1 到 {max} 之间，当前为 {value}",
    ),
    "bv_err_tolerance_range": (
        "The tolerance must be above 0 and at most {max} of the box diagonal, got {value}",
        "容差必须大于 0，且不超过绘图范围对角线的 {max}，当前为 {value}",
    ),
    "bv_err_tolerance_merge": (
        "A tolerance of {tolerance} of the box diagonal ({radius}) is too large for {name}: "
        "two minima are only {closest} apart",
        "对 {name} 而言，绘图范围对角线的 {tolerance}（{radius}）这一容差太大："
        "有两个最小值相距只有 {closest}",
    ),
    "bv_err_grid_whole": (
        "The grid size must be a whole number, got {value}",
        "网格大小必须是整数，当前为 {value}",
    ),
    "bv_err_grid_range": (
        "The grid must be from 2 x 2 to {max} x {max} starts, got {size} x {size}",
        "网格必须在 2 × 2 到 {max} × {max} 个起点之间，当前为 {size} × {size}",
    ),
    "bv_err_starts_shape": (
        "Starts must be an array [B, 2] with 1 <= B <= {max}",
        "起点必须是形状为 [B, 2] 的数组，且 1 <= B <= {max}",
    ),
    "bv_err_rate_count_whole": (
        "The number of rates must be a whole number, got {value}",
        "学习率个数必须是整数，当前为 {value}",
    ),
    "bv_err_rate_count_range": (
        "The number of rates must be from 2 to {max}, got {value}",
        "学习率个数必须在 2 到 {max} 之间，当前为 {value}",
    ),
    "bv_err_rate_order": (
        "The lowest learning rate ({low}) must be below the highest ({high})",
        "学习率的下限（{low}）必须小于上限（{high}）",
    ),
    "bv_err_rate_range": (
        "Learning rates must be from {low_limit} to {high_limit}, got {low} to {high}",
        "学习率必须在 {low_limit} 到 {high_limit} 之间，当前为 {low} 到 {high}",
    ),
    "bv_err_settings_count": (
        "Between 1 and {max} settings per run, got {count}",
        "每次运行的设置数必须在 1 到 {max} 之间，当前为 {count}",
    ),
    "bv_err_start_finite": (
        "The start must be finite (x, y) coordinates, got {value}",
        "起点必须是有限的 (x, y) 坐标，当前为 {value}",
    ),
    "bv_err_rates_count": (
        "Between 1 and {max} learning rates, got {count}",
        "学习率个数必须在 1 到 {max} 之间，当前为 {count}",
    ),
    "bv_err_momenta_count": (
        "Between 1 and {max} momentum values, got {count}",
        "动量取值个数必须在 1 到 {max} 之间，当前为 {count}",
    ),
    "bv_err_map_optimizer": (
        "A momentum map needs one of {choices}, got {value}",
        "动量图需要以下优化器之一：{choices}，当前为 {value}",
    ),
    "bv_err_nesterov": (
        "Nesterov momentum needs every momentum value above 0",
        "Nesterov 动量要求每个动量值都大于 0",
    ),
    "bv_err_view": (
        "View {view} needs an objective with known minima",
        "视图 {view} 需要一个最小值已知的目标函数",
    ),
    "bv_err_metric": (
        "Unknown metric {metric}: choose from {choices}",
        "未知的指标 {metric}：请从 {choices} 中选择",
    ),
    "bv_err_points": (
        "Points must be an array [N, 2] with N <= {max}",
        "点必须是形状为 [N, 2] 的数组，且 N <= {max}",
    ),
    "bv_err_step_index": ("Give one step index per point", "请为每个点各给出一个步序号"),
    "bv_err_momentum": (
        "Momentum must be in [0, 1), got {value}",
        "动量必须在 [0, 1) 内，当前为 {value}",
    ),
    # Figures
    "bv_fig_basins": ("basins", "吸引盆"),
    "bv_fig_status": ("status", "状态"),
    "bv_fig_to_minimum": ("→ minimum {k} ({x}, {y}): {count}", "→ 最小值 {k} ({x}, {y})：{count}"),
    "bv_fig_no_minimum_reached": ("no minimum reached: {count}", "未到达最小值：{count}"),
    "bv_fig_diverged_left": (
        "diverged or left the region: {count}",
        "发散或离开了区域：{count}",
    ),
    "bv_fig_not_converged": ("not converged: {count}", "未收敛：{count}"),
    "bv_fig_stayed": ("stayed in the region: {count}", "始终留在区域内：{count}"),
    "bv_fig_step_left": ("step it left", "离开时的步数"),
    "bv_fig_tip_converged": ("converged in {steps} steps", "{steps} 步后收敛"),
    "bv_fig_tip_left": ("left the region at step {step}", "在第 {step} 步离开区域"),
    "bv_fig_basin_title": (
        "{name}: {starts} starts × {steps} steps",
        "{name}：{starts} 个起点 × {steps} 步",
    ),
    "bv_fig_diverged_name": ("{name}: diverged", "{name}：发散"),
    "bv_fig_diverged_at": ("diverged at step {step}", "在第 {step} 步发散"),
    "bv_fig_diverged_count": ("diverged: {count}", "发散：{count}"),
    "bv_fig_tip_momentum": ("lr {lr}, momentum {momentum}", "学习率 {lr}，动量 {momentum}"),
    "bv_fig_stability_limit": (
        "stability limit 2(1+β)/λ_max, λ_max = {value}",
        "稳定性边界 2(1+β)/λ_max，λ_max = {value}",
    ),
    "bv_fig_tip_limit": (
        "lr = 2(1+β)/λ_max = {lr} at β = {beta}",
        "β = {beta} 时，lr = 2(1+β)/λ_max = {lr}",
    ),
    "bv_fig_hessian_eigenvalues": ("Hessian eigenvalues", "Hessian 特征值"),
    "bv_fig_condition_title": ("condition number |λ|max / |λ|min", "条件数 |λ|max / |λ|min"),
    "bv_fig_condition": ("condition number", "条件数"),
    "bv_fig_tip_step": ("step {step}: {what}", "第 {step} 步：{what}"),
    "bv_fig_condition_short": ("condition", "条件数"),
    "bv_axis_final_gap": ("final f − f_min (log)", "最终 f − f_min（对数坐标）"),
    "bv_fig_floor_tick": ("≤ {value} (float32)", "≤ {value}（float32 精度）"),
    "bv_axis_lr_log": ("learning rate (log)", "学习率（对数坐标）"),
    "bv_axis_lr_log_scale": ("learning rate (log scale)", "学习率（对数坐标）"),
    "bv_axis_momentum": ("momentum β", "动量 β"),
    # ---- Optimizer inspector ------------------------------------------------------------------
    # Table columns (x and y stay) and where each number comes from
    "insp_col_quantity": ("quantity", "名称"),
    "insp_col_source": ("source", "来源"),
    "insp_col_meaning": ("meaning", "含义"),
    "insp_src_engine": ("engine (Step)", "运行记录（Step）"),
    "insp_src_state": ("optimizer.state after the update", "更新后的 optimizer.state"),
    "insp_src_state_before": ("optimizer.state before the update", "更新前的 optimizer.state"),
    "insp_src_hyper": ("hyper-parameter", "超参数"),
    "insp_src_computed": ("computed from the above", "由以上各量算出"),
    # What each quantity means
    "insp_m_iterate": ("the iterate", "当前迭代点"),
    "insp_m_backward": ("what backward() gave", "backward() 算出的梯度"),
    "insp_m_decayed_grad": ("gradient + λ xₜ", "梯度 + λ xₜ"),
    "insp_m_lr": ("learning rate of this update", "本次更新的学习率"),
    "insp_m_before": ("before this update", "本次更新之前的值"),
    "insp_m_update": ("update = {rule}", "更新量 = {rule}"),
    "insp_m_momentum_buffer": ("momentum buffer", "动量缓冲"),
    "insp_m_step_count": ("updates so far, this one included", "到目前为止的更新次数（含本次）"),
    "insp_m_first_moment": ("first moment: running mean of g", "一阶矩：g 的滑动平均"),
    "insp_m_second_moment": ("second moment: running mean of g²", "二阶矩：g² 的滑动平均"),
    "insp_m_vmax": ("largest vₜ so far", "迄今为止最大的 vₜ"),
    "insp_m_mean_sq": ("running mean of g²", "g² 的滑动平均"),
    "insp_m_mean": ("running mean of g", "g 的滑动平均"),
    "insp_m_denominator": (
        "√vₜ + ε; centered: √(vₜ − ḡₜ²) + ε",
        "√vₜ + ε；中心化时为 √(vₜ − ḡₜ²) + ε",
    ),
    "insp_m_buffer_of": ("momentum buffer of g / s", "g / s 的动量缓冲"),
    "insp_m_sum_sq": ("sum of every g² so far", "迄今为止所有 g² 之和"),
    "insp_m_decayed_lr": ("decayed learning rate", "衰减后的学习率"),
    "insp_m_predicted": ("xₜ₊₁ − xₜ by the equation", "按公式算出的 xₜ₊₁ − xₜ"),
    "insp_m_actual": ("xₜ₊₁ − xₜ as recorded", "实际记录的 xₜ₊₁ − xₜ"),
    # Row labels of the quantities a rule names (torch's state keys, exp_avg and the like, stay
    # as they are): in English the names the code uses, in Chinese words and the symbol
    "insp_row_x_t": ("x_t", "迭代点 xₜ"),
    "insp_row_gradient": ("gradient", "梯度 ∇f(xₜ)"),
    "insp_row_g_t": ("g_t", "参与更新的梯度 gₜ"),
    "insp_row_lr": ("lr", "学习率 η"),
    "insp_row_effective_lr": ("effective_lr", "有效学习率 ηᵉᶠᶠ"),
    "insp_row_d_t": ("d_t", "Nesterov 方向 dₜ"),
    "insp_row_bias_correction1": ("bias_correction1", "偏差修正 c₁"),
    "insp_row_bias_correction2": ("bias_correction2", "偏差修正 c₂"),
    "insp_row_m_hat": ("m_hat", "修正后的一阶矩 m̂ₜ"),
    "insp_row_v_hat": ("v_hat", "修正后的二阶矩 v̂ₜ"),
    "insp_row_denominator": ("denominator", "分母 sₜ"),
    "insp_row_clr": ("clr", "衰减后的学习率 ηₖ"),
    "insp_row_predicted_update": ("predicted_update", "预测的更新量 Δxₜ"),
    "insp_row_actual_update": ("actual_update", "实际的更新量 Δxₜ"),
    "insp_row_before": ("{key} (t-1)", "{key}（更新前）"),
    # Notes
    "insp_note_generic": (
        "The update rule of {name} is not spelled out here; the table shows torch's "
        "optimizer.state after this update.",
        "这里没有写出 {name} 的更新规则；表格列出的是本次更新后 torch 的 optimizer.state。",
    ),
    "insp_note_first_buffer": (
        "First update: torch starts the momentum buffer at gₜ itself, without dampening.",
        "第一次更新：torch 直接用 gₜ 作为动量缓冲的初值，不做阻尼。",
    ),
    "insp_note_clamped": (
        "xₜ₊₁ is not where the equation puts it: the update was clamped into the box.",
        "xₜ₊₁ 不在公式给出的位置：这次更新被截断回了绘图范围内。",
    ),
    "insp_note_stopped": (
        "The run stopped after this update: xₜ₊₁ was not recorded.",
        "运行在这次更新后停止：没有记录 xₜ₊₁。",
    ),
    # Arrows and the small figure
    "insp_arrow_predicted": (
        "predicted x<sub>t+1</sub> (the equation)",
        "预测的 x<sub>t+1</sub>（按公式）",
    ),
    "insp_arrow_actual": (
        "actual update x<sub>t+1</sub> − x<sub>t</sub>",
        "实际更新 x<sub>t+1</sub> − x<sub>t</sub>",
    ),
    "insp_arrow_gradient": ("-lr · gradient", "-lr · 梯度"),
    "insp_arrow_shortened": (
        "-lr · gradient (shortened: length {length})",
        "-lr · 梯度（已缩短：实际长度 {length}）",
    ),
    "insp_arrow_lengthened": (
        "-lr · gradient (lengthened: length {length})",
        "-lr · 梯度（已加长：实际长度 {length}）",
    ),
    "insp_fig_level_sets": ("level sets of f", "f 的等高线"),
    "insp_fig_title": ("Update from x<sub>{t}</sub>", "从 x<sub>{t}</sub> 出发的更新"),
    # Bad input
    "insp_err_outside": (
        "Step {t} is outside the run (steps 0 to {last})",
        "第 {t} 步不在这次运行之内（只有第 0 到第 {last} 步）",
    ),
    "insp_err_not_single": (
        "Expected the Steps of one single-start run, in order",
        "需要按顺序给出单起点的一次运行的全部 Step（每步一条）",
    ),
    "insp_err_last": (
        "No update leaves step {t}: it is the last iterate of the run",
        "第 {t} 步之后没有更新：它是这次运行的最后一个迭代点",
    ),
    "insp_err_no_iterate": (
        "The run has no iterate: f or its gradient is not finite at the start",
        "这次运行没有迭代点：f 或其梯度在起点处不是有限值",
    ),
}
