"""Words of the Autograd Lab, in English and Simplified Chinese.

Keys: lab_s<n>_* (the page's sections), lab_cell_* (the sentence above each code cell),
lab_code_* (the comments inside the code: the Chinese ones are the tutorial's own), lab_err_*
(bad input), lab_name_* (input names inside messages), lab_note_* and lab_runaway_* (warnings
about a run), lab_fig_* and lab_axis_* (charts). Code, torch's output and pure math (f(x), x = 0)
are not text and stay out of this table.

The Chinese follows the tutorial's terms (自动微分机制, 自变量/因变量, 叶子节点, 反向传播) and
writes full-width punctuation inside Chinese sentences.
"""

LAB_TEXT: dict[str, tuple[str, str]] = {
    # Page frame
    "lab_intro": (
        "This page runs the autograd chapter of the PyTorch tutorial live. Each section first "
        "shows the tutorial's own code with the numbers you choose, then varies it. Every number "
        "below is computed by torch as you edit the inputs, and the code shown is exactly the "
        "code that ran.",
        "本页实时运行 PyTorch 教程《自动微分机制》一章的代码。每一节先给出教程的原代码"
        "（代入你设定的数值），再在此基础上加以变化。你每修改一处输入，下面的每个数都由 torch "
        "当场重新算出，页面上的代码也正是实际运行的代码。",
    ),
    "lab_function_header": ("The function", "函数"),
    "lab_function_caption": (
        "f(x) = a x² + b x + c, used by sections 2, 3, 4, 6 and 7.",
        "第 2、3、4、6、7 节都使用函数 f(x) = a x² + b x + c。",
    ),
    "lab_start_x": ("start x", "x 的初始值"),
    "lab_learning_rate": ("learning rate", "学习率"),
    "lab_steps": ("steps", "迭代步数"),
    "lab_optimizer": ("optimizer", "优化器"),
    # 1. Tensors that need gradients
    "lab_s1_header": ("1. Tensors that need gradients", "1. 需要梯度的张量"),
    "lab_s1_text": (
        "Autograd records the operations on tensors created with `requires_grad=True`, and can "
        "then differentiate through them.",
        "自动微分机制会记录对 `requires_grad=True` 的张量所做的每一步运算，之后便能沿着这些运算"
        "求导。",
    ),
    "lab_s1_values": (
        "x (a number or a list such as [1.0, 2.0, 3.0])",
        "x（一个数，或形如 [1.0, 2.0, 3.0] 的列表）",
    ),
    "lab_s1_operation": ("compute y from x", "由 x 计算 y"),
    "lab_cell_leaf": (
        "A tensor created with requires_grad=True is a leaf of the graph: it has no grad_fn, "
        "and backward() will store its gradient in x.grad.",
        "用 requires_grad=True 创建的张量是计算图的叶子节点：它没有 grad_fn，"
        "调用 backward() 之后，它的梯度就存放在 x.grad 中。",
    ),
    "lab_cell_switch_on": (
        "A tensor is created without gradient tracking unless asked; it can be switched on "
        "afterwards.",
        "张量默认不追踪梯度，也可以在创建之后再打开。",
    ),
    "lab_cell_computed": (
        "A tensor computed from x is not a leaf: its grad_fn records the operation that made "
        "it, the step backward() will go back through.",
        "由 x 计算得到的张量不是叶子节点：它的 grad_fn 记录了生成它的那一步运算，"
        "backward() 求导时正是沿着这一步往回走。",
    ),
    "lab_cell_integers": (
        "Only floating-point (and complex) tensors can require gradients: a derivative needs "
        "values that can change continuously, and integers cannot. Write 1.0, not 1.",
        "只有浮点型（以及复数型）张量才能要求梯度（`requires_grad=True`）：导数要求数值能够"
        "连续变化，整数做不到，所以要写成 1.0，而不是 1。",
    ),
    # 2. backward() on a scalar
    "lab_s2_header": ("2. backward() on a scalar", "2. 标量的反向传播"),
    "lab_s2_text": (
        "The tutorial's first example: `backward()` on a scalar computes its derivative with "
        "respect to every leaf tensor and stores it in that tensor's `.grad`. The derivative is "
        "the slope of the tangent.",
        "教程的第一个例子：在标量张量上调用 `backward()`，会对每个叶子节点求导，"
        "并把梯度存放在该张量的 `grad` 属性中。导数就是切线的斜率。",
    ),
    "lab_cell_backward": (
        "The tutorial's code with your numbers: y.backward() puts dy/dx into x.grad, here "
        "2·a·x + b = {value}.",
        "教程原代码（代入你设定的数值）：y.backward() 求出 dy/dx 并存入 x.grad，"
        "这里 dy/dx = 2·a·x + b = {value}。",
    ),
    "lab_cell_forward": (
        "y itself is a 0-dimensional tensor (a scalar) with a grad_fn: the record of how it was "
        "computed, which backward() went back through.",
        "y 本身是一个 0 维张量（标量），带有 grad_fn：它记录了 y 是怎样算出来的，"
        "backward() 正是沿着它往回求导。",
    ),
    # 3. backward() on a non-scalar
    "lab_s3_header": ("3. backward() on a non-scalar", "3. 非标量的反向传播"),
    "lab_s3_text": (
        "When x is a matrix, so is y. `backward()` then needs a `gradient` argument of y's "
        "shape: it back-propagates the scalar `torch.sum(y*gradient)`, a vector-Jacobian "
        "product.",
        "x 是矩阵时，y 也是矩阵。这时调用 `backward()` 要传入一个和 y 同形状的 `gradient` "
        "参数张量：相当于用它与 y 逐元素相乘再求和，得到标量 `torch.sum(y*gradient)` 后再反向"
        "传播，也就是向量-雅可比积。",
    ),
    "lab_s3_weights": ("`gradient` (same shape as x)", "`gradient`（形状与 x 相同）"),
    "lab_s3_caption": (
        "Numbers in square brackets, up to {dims} dimensions and {count} numbers.",
        "数字写在方括号中，最多 {dims} 维、{count} 个数。",
    ),
    "lab_cell_vjp": (
        "The tutorial's code: `y.backward(gradient = gradient)`, one weight per element of y. "
        "x.grad is the vector-Jacobian product; each element of y depends on its own x only, "
        "so element by element it is `gradient * (2·a·x + b)`.",
        "教程原代码：`y.backward(gradient = gradient)`，`gradient` 为 y 的每个元素各给一个权重。"
        "x.grad 就是向量-雅可比积；由于 y 的每个元素只依赖于对应的那个 x，"
        "逐元素来看它等于 `gradient * (2·a·x + b)`。",
    ),
    "lab_cell_needs_scalar": (
        "Without `gradient`, backward() only works on a scalar: torch will not guess how to "
        "combine the elements of y into one number.",
        "不传 `gradient` 时，backward() 只能用于标量：torch 不会替你决定如何把 y 的各个元素合成"
        "一个数。",
    ),
    "lab_cell_weighted_sum": (
        "The tutorial's next cell: the same gradient from an ordinary scalar backward() of "
        "`z = torch.sum(y*gradient)`. The `gradient` argument is exactly these weights.",
        "教程的下一段代码：非标量的反向传播可以用标量的反向传播实现。对 "
        "`z = torch.sum(y*gradient)` 做普通的标量反向传播，得到的梯度 x_grad 完全相同，"
        "`gradient` 参数就是这些权重。",
    ),
    # 4. torch.autograd.grad and higher derivatives
    "lab_s4_header": (
        "4. torch.autograd.grad and higher derivatives",
        "4. 用 torch.autograd.grad 求导与高阶导数",
    ),
    "lab_s4_text": (
        "`torch.autograd.grad(outputs, inputs)` returns the gradients instead of storing them "
        "in `.grad`. With `create_graph=True` the gradient is itself part of a graph, so it can "
        "be differentiated again.",
        "`torch.autograd.grad(outputs, inputs)` 直接返回梯度，而不是把它存到 `.grad` 中。"
        "设置 `create_graph=True` 后，求得的梯度本身也在计算图中，可以再对它求导。",
    ),
    "lab_plot_from": ("plot from", "绘图起点"),
    "lab_plot_to": ("plot to", "绘图终点"),
    "lab_cell_grad": (
        "The tutorial's code: the first derivative with create_graph=True, then the derivative "
        "of that. Printing `.data` shows the values alone.",
        "教程原代码：先设置 create_graph=True 求一阶导数，再对它求二阶导数。打印 `.data` "
        "只显示数值。",
    ),
    "lab_cell_second": (
        "Without `.data`: dy_dx carries a grad_fn, because create_graph=True recorded how it was "
        "computed, and that is what let the second call differentiate it. dy2_dx2, computed "
        "without create_graph, has none. f''(x) = 2·a = {value}.",
        "去掉 `.data` 再打印：dy_dx 带有 grad_fn，因为 create_graph=True 记录了它的计算过程，"
        "第二次调用才能对它求导；求 dy2_dx2 时没有设置 create_graph，所以它没有 grad_fn。"
        "二阶导数 f''(x) = 2·a = {value}。",
    ),
    "lab_cell_curves": (
        "For the chart, the same calls on {points} points at once. Each ys[i] depends only on "
        "xs[i], so the gradient of ys.sum() holds the derivative at every point.",
        "为了作图，在 {points} 个点上一次完成同样的调用。ys[i] 只依赖于 xs[i]，"
        "所以 ys.sum() 的梯度中正好包含每个点处的导数。",
    ),
    # 5. Several independent and dependent variables
    "lab_s5_header": ("5. Several inputs and outputs", "5. 多个自变量与因变量"),
    "lab_s5_text": (
        "The tutorial's y1 = x1 · x2 and y2 = x1 + x2, differentiated with respect to both x1 "
        "and x2.",
        "教程中的 y1 = x1 · x2 与 y2 = x1 + x2，同时对自变量 x1、x2 求导。",
    ),
    "lab_cell_one_output": (
        "The tutorial's code: the gradients of one output with respect to several inputs "
        "(∂y1/∂x1 = x2, ∂y1/∂x2 = x1; retain_graph = True keeps the graph for the next call), "
        "then of several outputs at once, which adds their gradients up.",
        "教程原代码：先求一个因变量对多个自变量的导数（∂y1/∂x1 = x2，∂y1/∂x2 = x1；"
        "retain_graph = True 保留计算图，供下一次调用使用），再同时对多个因变量求导，"
        "相当于把它们的梯度相加。",
    ),
    "lab_cell_two_outputs": (
        "The summed gradients are exactly the gradient of y1 + y2. The call above freed the "
        "graph, so y1 and y2 are computed again first.",
        "相加后的梯度正好等于 y1 + y2 的梯度。上面的调用已经释放了计算图，所以先重新算出 "
        "y1 和 y2。",
    ),
    "lab_cell_freed": (
        "Without retain_graph, backward() frees the values the graph saved (here x1 and x2 "
        "for the product rule) as soon as it has used them: a second pass has nothing to "
        "work with.",
        "不设置 retain_graph 时，backward() 用完计算图保存的中间值（这里是乘法求导要用的 x1 和 "
        "x2）就会把它们释放，第二次反向传播便无从计算。",
    ),
    "lab_cell_retained": (
        "With retain_graph=True the second pass works, and its gradients are added to the "
        "first ones: twice ∂y/∂x1 and twice ∂y/∂x2 (see the next section).",
        "设置 retain_graph=True 后，第二次反向传播可以进行，其梯度累加到第一次的结果上："
        "得到两倍的 ∂y/∂x1 和两倍的 ∂y/∂x2（见下一节）。",
    ),
    # 6. Gradients accumulate
    "lab_s6_header": ("6. Gradients accumulate", "6. 梯度累加"),
    "lab_s6_text": (
        "Tutorials often say that gradients accumulate and must be zeroed. That is true of "
        "`backward()`: it adds into `.grad` and nothing resets it, which is why a training loop "
        "calls `optimizer.zero_grad()` before each `backward()`. `torch.autograd.grad` only "
        "returns gradients and never touches `.grad`, so it needs no zeroing. First the two "
        "side by side, then the same SGD loop with and without zero_grad():",
        "常听到“梯度会累加，所以要清零”，这其实说的是 `backward()`：它把梯度累加到 `.grad` 上，"
        "不会自动清零，所以训练循环要在每次 `backward()` 之前调用 `optimizer.zero_grad()`。"
        "`torch.autograd.grad` 只返回梯度，从不改动 `.grad`，因此不需要清零。"
        "下面先把两者并排对比，再看同一个 SGD 循环调用与不调用 zero_grad() 的区别：",
    ),
    "lab_cell_adds_up": (
        "backward() adds into x.grad rather than overwriting it: a second call on the same "
        "graph (kept with retain_graph=True) doubles it.",
        "backward() 把梯度累加到 x.grad 上，而不是覆盖它：在同一个计算图上"
        "（用 retain_graph=True 保留）再调用一次，梯度就翻倍。",
    ),
    "lab_cell_grad_leaves_grad": (
        "torch.autograd.grad returns the gradient and leaves x.grad alone: called twice, it "
        "gives the same value both times, and x.grad is still None. Only backward() needs "
        "zero_grad().",
        "torch.autograd.grad 只返回梯度，不改动 x.grad：调用两次，两次结果相同，"
        "x.grad 始终是 None。只有 backward() 才需要 zero_grad()。",
    ),
    "lab_cell_with_zero": (
        "The training loop zeroes the gradients before each backward(): every step uses the "
        "gradient at the current x only.",
        "训练循环在每次 backward() 之前先把梯度清零：每一步只用当前 x 处的梯度。",
    ),
    "lab_cell_without_zero": (
        "Forget zero_grad() and each step uses the sum of every gradient so far: x overshoots "
        "the minimum and swings around it instead of settling.",
        "如果忘了 zero_grad()，每一步用的都是此前所有梯度之和：x 会冲过最小值点，"
        "在它两侧来回摆动，迟迟停不下来。",
    ),
    # 7. The tutorial's optimizer loop
    "lab_s7_header": (
        "7. The minimum, with autograd and an optimizer",
        "7. 利用自动微分和优化器求最小值",
    ),
    "lab_s7_text": (
        "The tutorial's last example puts it together: a `torch.optim` optimizer moves x "
        "downhill. Each step: zero the gradients, compute y, `backward()`, `step()`.",
        "教程的最后一个例子把前面的内容串了起来：用 `torch.optim` 优化器做梯度下降，"
        "让 x 一步步走向最小值点。"
        "每一步依次是：梯度清零、计算 y、`backward()`、`step()`。",
    ),
    "lab_cell_loop": (
        "The tutorial's code, here with {name}; the list `path` records x at every step for the "
        "chart. `print` shows 4 decimals.",
        "教程原代码，这里使用 {name}；列表 `path` 记下每一步的 x，供下面的图使用。"
        "`print` 只显示 4 位小数。",
    ),
    "lab_cell_model": (
        "In a training script the parameters live in a model, and the optimizer gets them from "
        "model.parameters(): torch.optim.XXX(model.parameters(), lr=learning_rate). Here the "
        "model holds one parameter, x, and its forward is the tutorial's f: the same loop, and "
        "the same x at every step.",
        "实际训练时，参数放在模型里，优化器通过 model.parameters() 拿到它们："
        "torch.optim.XXX(model.parameters(), lr=learning_rate)。这里的模型只有一个参数 x，"
        "前向计算就是教程中的 f：循环完全一样，每一步得到的 x 也完全相同。",
    ),
    "lab_cell_precision": (
        "x.item() gives the float32 value of x in full. f(x) in float32 rounds a·x² + b·x + c "
        "to the nearest float32; the same formula at the same x in float64 shows how far from "
        "the true minimum the run really is.",
        "x.item() 给出 x 完整的 float32 值。float32 下的 f(x) 会把 a·x² + b·x + c 舍入到"
        "最近的 float32 数；在同一个 x 处用 float64 计算同一公式，才能看出这次运行离真正的"
        "最小值还有多远。",
    ),
    # Comments inside the code (the Chinese ones are the tutorial's own where it has them)
    "lab_code_x_grad": ("x is to be differentiated", "x需要被求导"),
    "lab_code_derivative": (
        "the derivative of f(x) = a*x**2 + b*x + c",
        "f(x) = a*x**2 + b*x + c的导数",
    ),
    "lab_code_minimum": (
        "the minimum of f(x) = a*x**2 + b*x + c",
        "f(x) = a*x**2 + b*x + c的最小值",
    ),
    "lab_code_create_graph": (
        "create_graph=True allows higher-order derivatives",
        "create_graph 设置为 True 将允许创建更高阶的导数",
    ),
    "lab_code_second": ("the second derivative", "求二阶导数"),
    "lab_code_several_inputs": (
        "differentiate with respect to several inputs at once",
        "允许同时对多个自变量求导数",
    ),
    "lab_code_several_outputs": (
        "several outputs: their gradients are summed",
        "如果有多个因变量，相当于把多个因变量的梯度结果求和",
    ),
    "lab_code_zero_grad": ("zero all the gradients", "清零所有的梯度信息"),
    "lab_code_no_zero_grad": (
        "no optimizer.zero_grad(): x.grad keeps adding up",
        "没有 optimizer.zero_grad()：x.grad 会不断累加",
    ),
    "lab_code_path": ("x at every step, for the chart", "记下每一步的 x，供下面的图使用"),
    "lab_code_model_path": (
        "x at every step, to compare with `path`",
        "记下每一步的 x，可与 `path` 逐项比较",
    ),
    "lab_code_requires_grad_": ("the same as w.requires_grad_()", "等价于 w.requires_grad_()"),
    "lab_code_rebuild": (
        "the call above freed the graph: compute y1 and y2 again",
        "上面的调用已释放计算图，需要重新计算 y1 和 y2",
    ),
    "lab_code_parameter": ("the model's only parameter: x", "模型唯一的参数就是 x"),
    # Notes about the parabola and about runs that ran away
    "lab_note_downward": (
        "a = {a} < 0: f is a downward parabola with no minimum. Gradient descent runs away from "
        "its top at x = {top} (and stays there only if it starts exactly on it).",
        "a = {a} < 0：f 是开口向下的抛物线，没有最小值。梯度下降会离顶点 x = {top} 越来越远"
        "（只有恰好从顶点出发时才会停在那里）。",
    ),
    "lab_note_line": (
        "a = 0: f is the straight line {b}·x + c, which has no minimum; every step moves x the "
        "same way forever.",
        "a = 0：f 是直线 {b}·x + c，没有最小值；每一步都把 x 朝同一方向推，永不停止。",
    ),
    "lab_note_constant": (
        "a = b = 0: f is constant, its gradient is 0 everywhere, and x never moves.",
        "a = b = 0：f 是常数，梯度处处为 0，x 始终不动。",
    ),
    "lab_runaway_with_zero": ("With zero_grad(), x", "调用 zero_grad() 时，x"),
    "lab_runaway_without_zero": ("Without zero_grad(), x", "不调用 zero_grad() 时，x"),
    "lab_runaway": (
        "{label} ran away: at step {step} {what}.",
        "{label} 发散了：第 {step} 步时 {what}。",
    ),
    "lab_runaway_not_finite": (
        "x became {value} (not a finite number)",
        "x 变成了 {value}（不是有限的数）",
    ),
    "lab_runaway_huge": ("|x| passed {limit} (x = {value})", "|x| 超过了 {limit}（x = {value}）"),
    "lab_runaway_carries_on": (
        "torch carries on regardless: after the last step x is {value}.",
        "torch 并不会因此停下：最后一步之后 x 为 {value}。",
    ),
    "lab_runaway_sgd": (
        "Each SGD step multiplies the distance to the minimum by (1 - 2·a·lr), so it shrinks "
        "only if lr < 1/a = {limit}; try a smaller learning rate.",
        "SGD 每一步都把 x 到最小值点的距离乘以 (1 - 2·a·lr)，只有 lr < 1/a = {limit} 时"
        "距离才会缩小；请换一个更小的学习率试试。",
    ),
    "lab_runaway_smaller_lr": ("Try a smaller learning rate.", "请换一个更小的学习率试试。"),
    "lab_note_budget_evaluations": (
        "{name} evaluates f up to {evaluations} times a step.",
        "{name} 每一步最多要计算 {evaluations} 次 f。",
    ),
    "lab_note_budget_steps": (
        "One request's work budget is {budget} optimizer-steps, so the loop runs {steps} of the "
        "{asked} steps asked for; the code shown runs exactly that many.",
        "单次请求的计算预算是 {budget} 个优化器步，所以这个循环只运行了 {steps} 步"
        "（设定为 {asked} 步）；页面上的代码也正是按这个步数运行的。",
    ),
    "lab_note_budget_loops": (
        "One request's work budget is {budget} optimizer-steps, shared by this section's {loops} "
        "loops, so each runs {steps} of the {asked} steps asked for; the code shown runs exactly "
        "that many.",
        "单次请求的计算预算是 {budget} 个优化器步，由本节的 {loops} 个循环平分，所以每个循环"
        "只运行了 {steps} 步（设定为 {asked} 步）；页面上的代码也正是按这个步数运行的。",
    ),
    "lab_line_search_failed": (
        "L-BFGS diverged at step {step}: its line search met f = {value}, and torch's L-BFGS "
        "cannot go on from a non-finite value, so the run ends here.",
        "L-BFGS 在第 {step} 步发散：线搜索遇到了 f = {value}，而 PyTorch 的 L-BFGS "
        "无法从非有限值继续，因此运行到此结束。",
    ),
    # Names of inputs, as they appear inside messages
    "lab_name_every_number": ("every number in {name}", "{name} 中的每个数"),
    "lab_name_weights": ("the `gradient` weights", "`gradient` 参数"),
    "lab_name_from": ("from", "绘图起点"),
    "lab_name_to": ("to", "绘图终点"),
    "lab_shape_scalar": ("a scalar", "标量"),
    "lab_many_digits": ("a {digits}-digit number", "一个 {digits} 位数"),
    # Bad input
    "lab_err_not_number": (
        "{name} must be a number, not {value}",
        "{name} 必须是数字，不能是 {value}",
    ),
    "lab_err_not_finite": (
        "{name} must be a finite number, not {value}",
        "{name} 必须是有限的数，不能是 {value}",
    ),
    "lab_err_too_large": (
        "{name} = {value} is too large: keep |{name}| ≤ {limit}",
        "{name} = {value} 太大了，请保证 |{name}| ≤ {limit}",
    ),
    "lab_err_steps_whole": (
        "steps must be a whole number, not {value}",
        "迭代步数必须是整数，不能是 {value}",
    ),
    "lab_err_steps_range": (
        "steps = {value} is out of range: choose 1 to {max}",
        "迭代步数 {value} 超出范围，应在 1 到 {max} 之间",
    ),
    "lab_err_lr_number": (
        "Invalid learning rate: {value} (expected a number)",
        "学习率无效：{value}（应为数字）",
    ),
    "lab_err_lr_finite": (
        "learning rate must be a finite number, not {value}",
        "学习率必须是有限的数，不能是 {value}",
    ),
    "lab_err_lr_range": (
        "Invalid learning rate: {value} (allowed {low} to {high})",
        "学习率无效：{value}（允许范围为 {low} 到 {high}）",
    ),
    "lab_err_unknown_operation": (
        "Unknown operation {value}: choose one of {choices}",
        "没有 {value} 这种运算，请从 {choices} 中选择",
    ),
    "lab_err_unknown_optimizer": (
        "Unknown optimizer {value}: choose one of {choices}",
        "没有 {value} 这个优化器，请从 {choices} 中选择",
    ),
    "lab_err_text_type": (
        "{name} must be text such as [[0, 0], [1, 2]]",
        "{name} 必须是文本，例如 [[0, 0], [1, 2]]",
    ),
    "lab_err_too_long": (
        "{name} is too long ({length} characters; at most {max})",
        "{name} 太长了（{length} 个字符，最多 {max} 个）",
    ),
    "lab_err_empty": (
        "{name} is empty: type numbers in brackets, e.g. [[0, 0], [1, 2]]",
        "{name} 为空，请在方括号中输入数字，例如 [[0, 0], [1, 2]]",
    ),
    "lab_err_bad_chars": (
        "{name} may contain only numbers, commas and square brackets, not {chars}",
        "{name} 只能包含数字、逗号和方括号，不能包含 {chars}",
    ),
    "lab_err_no_parse": (
        "{name} does not parse: write numbers in square brackets, e.g. [[0, 0], [1, 2]]",
        "无法解析 {name}，请把数字写在方括号中，例如 [[0, 0], [1, 2]]",
    ),
    "lab_err_not_real": ("{name} must hold real numbers only", "{name} 只能包含实数"),
    "lab_err_tuple": (
        "{name}: write lists in square brackets, e.g. [1, 2]",
        "{name} 中的列表请用方括号书写，例如 [1, 2]",
    ),
    "lab_err_empty_list": ("{name} has an empty list", "{name} 中有空列表"),
    "lab_err_too_many_dims": (
        "{name} has more than {max} dimensions",
        "{name} 的维数超过了 {max}",
    ),
    "lab_err_not_rectangular": (
        "{name} is not rectangular: every row needs the same length",
        "{name} 的各行长度不一致，每一行的元素个数必须相同",
    ),
    "lab_err_not_list": (
        "{name} must be a list of numbers, e.g. [[0, 0], [1, 2]]",
        "{name} 必须是数字列表，例如 [[0, 0], [1, 2]]",
    ),
    "lab_err_too_many_numbers": (
        "{name} has {count} numbers; at most {max} are allowed",
        "{name} 有 {count} 个数，最多只允许 {max} 个",
    ),
    "lab_err_too_few_numbers": (
        "{name} needs at least {min} numbers",
        "{name} 至少需要 {min} 个数",
    ),
    "lab_err_weights_shape": (
        "the `gradient` weights must have the shape of x ({expected}), not {got}",
        "`gradient` 参数的形状必须与 x 相同（{expected}），而不是 {got}",
    ),
    "lab_err_plot_range": (
        "the plot range needs from < to (got {lo} to {hi})",
        "绘图范围需要满足“起点 < 终点”（当前为 {lo} 到 {hi}）",
    ),
    # Charts
    "lab_fig_tangent_title": ("f and its tangent at x", "f 及其在 x 处的切线"),
    "lab_fig_tangent": ("tangent, slope x.grad = {slope}", "切线，斜率 x.grad = {slope}"),
    "lab_fig_derivatives_title": (
        "f, f' and f'' from torch.autograd.grad",
        "用 torch.autograd.grad 求出的 f、f' 和 f''",
    ),
    "lab_fig_value_at": ("{name} at x = {x}: {value}", "{name} 在 x = {x} 处的值：{value}"),
    "lab_fig_with_zero": ("with zero_grad()", "调用 zero_grad()"),
    "lab_fig_without_zero": ("without zero_grad()", "不调用 zero_grad()"),
    "lab_fig_minimum": ("minimum x = {x}", "最小值点 x = {x}"),
    "lab_fig_accumulation_title": (
        "x during SGD, with and without zero_grad()",
        "SGD 迭代中的 x：调用与不调用 zero_grad()",
    ),
    "lab_fig_step": ("step {step}", "第 {step} 步"),
    "lab_fig_current": ("x at this step", "当前这一步的 x"),
    "lab_fig_every_step": ("every step", "每一步"),
    "lab_fig_descent_title": (
        "{name} on f(x) = {formula}",
        "用 {name} 求 f(x) = {formula} 的最小值",
    ),
    "lab_axis_value": ("value", "数值"),
    "lab_axis_step": ("step", "迭代步数"),
}
