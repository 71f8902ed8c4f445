"""Words of the lessons page and of each lesson, in English and Simplified Chinese.

Keys: lesson_<id>_title, _text, _question, _choice<i>, _reveal (scenes in core/lessons.py).
"""

LESSON_TEXT: dict[str, tuple[str, str]] = {
    "lessons_intro": (
        "Each lesson sets up a race. Predict what will happen, reveal the answer, then open it in "
        "the Playground and watch. Every lesson is also a link you can share.",
        "每节课都准备好一场比赛。先预测会发生什么，再揭晓答案，然后在游乐场中打开观看。"
        "每节课也是一个可以分享的链接。",
    ),
    "your_prediction": ("Your prediction", "你的预测"),
    "reveal": ("Reveal", "揭晓答案"),
    "open_in_playground": ("Open in the Playground", "在游乐场中打开"),
    "lesson_show": ("Show", "显示"),
    "lesson_all": ("All lessons", "全部课程"),
    "lesson_show_help": (
        "Pick one lesson to give the class a link to it alone: the page's address keeps it.",
        "只选一节课，就能把只含这节课的链接发给全班：页面地址会记住它。",
    ),
    "right": ("Right!", "答对了！"),
    "not_quite": ("Not quite.", "不太对。"),
    "share_link": ("Link to share", "分享链接"),
    "lesson_lr_limit_title": (
        "A learning rate above 2/λ_max diverges",
        "学习率超过 2/λ_max 就会发散",
    ),
    "lesson_lr_limit_text": (
        "The ill-conditioned quadratic has Hessian eigenvalues 1 and 100. Gradient descent is "
        "stable only for a learning rate below 2/λ_max = 0.02. This lesson uses 0.021.",
        "病态二次函数的 Hessian 特征值为 1 和 100。只有当学习率小于 2/λ_max = 0.02 时梯度下降才稳定。"
        "本课使用 0.021。",
    ),
    "lesson_lr_limit_question": (
        "What does SGD do with lr = 0.021?",
        "学习率为 0.021 时，SGD 会怎样？",
    ),
    "lesson_lr_limit_choice0": ("It converges smoothly", "平稳地收敛"),
    "lesson_lr_limit_choice1": ("It zig-zags but converges", "来回震荡，但最终收敛"),
    "lesson_lr_limit_choice2": ("It zig-zags ever wider and diverges", "震荡越来越大，最终发散"),
    "lesson_lr_limit_reveal": (
        "Along the steep direction each step multiplies the error by 1 - 0.021 × 100 = -1.1: the "
        "zig-zag grows by 10% per step until the run leaves the plot. Try 0.019.",
        "在陡峭方向上，每一步把误差乘以 1 - 0.021 × 100 = -1.1：震荡每步放大 10%，直到离开绘图区域。"
        "试试 0.019。",
    ),
    "lesson_ravine_title": ("Momentum through a ravine", "动量穿越峡谷"),
    "lesson_ravine_text": (
        "Same quadratic, same learning rate 0.015 for both. SGD bounces between the steep walls "
        "and crawls along the flat floor. Momentum averages the bounces out.",
        "同一个二次函数，两者都使用学习率 0.015。SGD 在陡峭的两壁之间来回反弹，沿着平坦的谷底缓慢前进；"
        "动量会把反弹平均掉。",
    ),
    "lesson_ravine_question": (
        "Who is closer to the minimum after 150 steps?",
        "150 步之后谁离最小值更近？",
    ),
    "lesson_ravine_choice0": ("SGD", "SGD"),
    "lesson_ravine_choice1": ("Momentum", "Momentum（动量）"),
    "lesson_ravine_choice2": ("About the same", "差不多"),
    "lesson_ravine_reveal": (
        "Momentum ends thousands of times lower: along the floor its steps add up to about "
        "1/(1 - 0.9) = 10 times longer ones.",
        "动量的最终损失低了几千倍：沿着谷底，它的步长累积起来约为 1/(1 - 0.9) = 10 倍。",
    ),
    "lesson_adam_rosenbrock_title": (
        "Adam against SGD on Rosenbrock",
        "Rosenbrock 上的 Adam 与 SGD",
    ),
    "lesson_adam_rosenbrock_text": (
        "The Rosenbrock valley is steep across and almost flat along. SGD's step follows the "
        "gradient's size; Adam's step is about the learning rate in each coordinate.",
        "Rosenbrock 峡谷横向陡峭、纵向几乎平坦。SGD 的步长取决于梯度大小；"
        "Adam 在每个坐标上的步长约等于学习率。",
    ),
    "lesson_adam_rosenbrock_question": (
        "Who gets further down the valley towards (1, 1) in 300 steps?",
        "300 步内，谁沿峡谷更接近 (1, 1)？",
    ),
    "lesson_adam_rosenbrock_choice0": ("SGD", "SGD"),
    "lesson_adam_rosenbrock_choice1": ("Adam", "Adam"),
    "lesson_adam_rosenbrock_reveal": (
        "Adam ends lower: on the flat valley floor the gradient is tiny, and SGD's steps shrink "
        "with it, while Adam's normalised steps keep their length.",
        "Adam 的最终损失更低：在平坦的谷底梯度很小，SGD 的步长随之变小，而 Adam 的归一化步长保持不变。",
    ),
    "lesson_saddle_title": ("Escaping a saddle", "逃离鞍点"),
    "lesson_saddle_text": (
        "f = x² - y² has a saddle at the origin. Both start almost on the ridge, at y = 0.001, "
        "where the gradient along y is tiny.",
        "f = x² - y² 在原点有一个鞍点。两者都从几乎在脊线上的 y = 0.001 出发，"
        "那里沿 y 方向的梯度非常小。",
    ),
    "lesson_saddle_question": (
        "Who escapes along y first (|y| > 1)?",
        "谁先沿 y 方向逃离（|y| > 1）？",
    ),
    "lesson_saddle_choice0": ("SGD", "SGD"),
    "lesson_saddle_choice1": ("Adam", "Adam"),
    "lesson_saddle_choice2": ("Neither escapes", "都逃不出去"),
    "lesson_saddle_reveal": (
        "Adam: dividing by the root of the squared gradient turns the tiny y-gradient into a full "
        "step of about lr. SGD's y grows only by a factor 1.1 per step.",
        "Adam：除以梯度平方的平方根，把很小的 y 梯度变成约为 lr 的完整一步；SGD 的 y 每步只增大 1.1 倍。",
    ),
    "lesson_which_basin_title": ("Which basin?", "哪个吸引盆？"),
    "lesson_which_basin_text": (
        "Himmelblau's function has four global minima. Gradient descent goes downhill from its "
        "start and ends in the basin it started in.",
        "Himmelblau 函数有四个全局最小值。梯度下降从起点一路下坡，最终停在起点所在的吸引盆中。",
    ),
    "lesson_which_basin_question": (
        "Starting from (-0.5, 0), which minimum does SGD reach?",
        "从 (-0.5, 0) 出发，SGD 会到达哪个最小值？",
    ),
    "lesson_which_basin_choice0": ("(3, 2)", "点 (3, 2)"),
    "lesson_which_basin_choice1": ("(-2.81, 3.13)", "点 (-2.81, 3.13)"),
    "lesson_which_basin_choice2": ("(-3.78, -3.28)", "点 (-3.78, -3.28)"),
    "lesson_which_basin_choice3": ("(3.58, -1.85)", "点 (3.58, -1.85)"),
    "lesson_which_basin_reveal": (
        "(-2.81, 3.13): the gradient at the start points up and to the left.",
        "(-2.81, 3.13)：起点处的负梯度指向左上方。",
    ),
    "lesson_per_coordinate_title": ("Per-coordinate scaling", "按坐标缩放"),
    "lesson_per_coordinate_text": (
        "On the axis-aligned ellipse x² + 100 y², y is 100 times steeper than x. RMSprop divides "
        "each coordinate's step by its own gradient scale.",
        "在与坐标轴对齐的椭圆 x² + 100 y² 上，y 方向比 x 方向陡 100 倍。"
        "RMSprop 用每个坐标自己的梯度尺度去除它的步长。",
    ),
    "lesson_per_coordinate_question": (
        "Which one heads almost straight for the minimum?",
        "哪一个几乎笔直地奔向最小值？",
    ),
    "lesson_per_coordinate_choice0": ("SGD", "SGD"),
    "lesson_per_coordinate_choice1": ("RMSprop", "RMSprop"),
    "lesson_per_coordinate_reveal": (
        "RMSprop: after scaling, both coordinates move at the same pace. SGD must keep its "
        "learning rate small for y and so crawls along x.",
        "RMSprop：缩放后两个坐标以相同的节奏前进。SGD 为了 y 方向必须用很小的学习率，于是沿 x 方向爬得很慢。",
    ),
    "lesson_local_minima_title": ("Trapped in local minima", "困在局部最小值"),
    "lesson_local_minima_text": (
        "Rastrigin's function is a bowl covered with a lattice of local minima. All three start "
        "at (2.2, 3.6).",
        "Rastrigin 函数是一个布满格点状局部最小值的碗。三个优化器都从 (2.2, 3.6) 出发。",
    ),
    "lesson_local_minima_question": (
        "Does any of them reach the global minimum at (0, 0)?",
        "有没有优化器能到达 (0, 0) 处的全局最小值？",
    ),
    "lesson_local_minima_choice0": ("Yes, all of them", "都能到达"),
    "lesson_local_minima_choice1": ("Some of them", "有一些能"),
    "lesson_local_minima_choice2": ("None of them", "一个都不能"),
    "lesson_local_minima_reveal": (
        "None: each settles in the nearest dip (loss about 20). Local methods only see the slope "
        "where they stand.",
        "一个都不能：每个都停在最近的凹坑里（损失约为 20）。局部方法只能看到脚下的坡度。",
    ),
}
