"""Words of the lessons page and of each lesson, in English and Simplified Chinese.

Keys: lesson_<id>_title, _text, _question, _choice<i>, _reveal (scenes in core/tutorials/lessons.py).
"""

LESSON_TEXT: dict[str, tuple[str, str]] = {
    "lessons_intro": (
        "Each lesson sets up a race. Predict what will happen, reveal the answer, then open it in "
        "the Playground and watch. Every lesson is also a link you can share.",
        "每节课都布置好一场竞速：先预测会发生什么，再揭晓答案，然后在游乐场中打开，亲眼看一看。"
        "每节课也是一个可以分享的链接。",
    ),
    "your_prediction": ("Your prediction: {question}", "你的预测：{question}"),
    "reveal": ("Reveal", "揭晓答案"),
    "open_in_playground": ("Open in the Playground", "在游乐场中打开"),
    "lesson_show": ("Show", "显示"),
    "lesson_all": ("All lessons", "全部课程"),
    "lesson_show_help": (
        "Pick one lesson to give the class a link to it alone: the page's address keeps it.",
        "只选一节课，就能把只有这一节课的链接发给全班：页面地址会记住你的选择。",
    ),
    "right": ("Right!", "答对了！"),
    "not_quite": ("Not quite.", "不太对。"),
    "share_link": ("Link to share", "分享链接"),
    "lesson_lr_limit_title": (
        "How large may the learning rate be?",
        "学习率可以取多大？",
    ),
    "lesson_lr_limit_text": (
        "The ill-conditioned quadratic has Hessian eigenvalues 1 and 100: one gentle direction "
        "and one steep one. SGD starts at (−1.8, −0.8) with learning rate 0.021.",
        "这个病态二次函数的 Hessian 特征值为 1 和 100：一个方向平缓，另一个方向陡峭。"
        "SGD 从 (−1.8, −0.8) 出发，学习率为 0.021。",
    ),
    "lesson_lr_limit_question": (
        "What does SGD do with lr = 0.021?",
        "学习率为 0.021 时，SGD 会怎样？",
    ),
    "lesson_lr_limit_choice0": ("It converges smoothly", "平稳地收敛"),
    "lesson_lr_limit_choice1": ("It zig-zags but converges", "来回振荡，但最终收敛"),
    "lesson_lr_limit_choice2": ("It zig-zags ever wider and diverges", "振荡越来越大，最终发散"),
    "lesson_lr_limit_reveal": (
        "It diverges. Gradient descent is stable only for a learning rate below "
        "$2/\\lambda_{\\max} = 2/100 = 0.02$. Along the steep direction each step multiplies "
        "the offset from the minimum by 1 − 0.021 × 100 = −1.1: the zig-zag grows by 10% per "
        "step, and the run leaves the plot at step 25. Try 0.019.",
        "它会发散。只有学习率小于 $2/\\lambda_{\\max} = 2/100 = 0.02$ 时，梯度下降才是稳定的。"
        "在陡峭的方向上，每一步都把相对最小值的偏移乘以 1 − 0.021 × 100 = −1.1："
        "正负来回振荡，幅度每步放大 10%，运行在第 25 步离开绘图区域。试试 0.019。",
    ),
    "lesson_ravine_title": ("Momentum in a ravine", "峡谷中的动量"),
    "lesson_ravine_text": (
        "The same quadratic: a narrow ravine, steep across and gentle along its floor. SGD and "
        "Momentum (μ = 0.9) both use learning rate 0.015 and start at (−1.8, −0.8). Watch the "
        "bounces between the walls and the progress along the floor.",
        "还是这个二次函数：一条狭窄的峡谷，横向陡峭，沿谷底平缓。SGD 和 Momentum（μ = 0.9）"
        "都使用学习率 0.015，都从 (−1.8, −0.8) 出发。请同时留意两壁之间的反弹和沿谷底的前进。",
    ),
    "lesson_ravine_question": (
        "Who is closer to the minimum after 150 steps?",
        "150 步之后，谁离最小值更近？",
    ),
    "lesson_ravine_choice0": ("SGD", "SGD"),
    "lesson_ravine_choice1": ("Momentum", "Momentum"),
    "lesson_ravine_choice2": ("About the same", "差不多"),
    "lesson_ravine_reveal": (
        "Momentum, by far: its final loss is thousands of times lower. It does not smooth the "
        "bounces away: it zig-zags across the ravine for about 90 steps, while SGD's bounces die "
        "out after 6. Momentum wins along the floor. There SGD creeps: after 150 steps it is "
        "still a tenth of its starting distance from the minimum. Momentum's steps add up, "
        "overshoot the minimum, swing back and settle.",
        "Momentum，而且遥遥领先：它的最终损失只有 SGD 的几千分之一。它并没有把反弹抹平："
        "它在峡谷两壁之间来回振荡了大约 90 步，而 SGD 的反弹 6 步之后就平息了。"
        "Momentum 赢在沿谷底的方向。SGD 在谷底缓慢爬行：150 步之后，它离最小值仍有出发时距离的"
        "十分之一。Momentum 的每一步都叠加在之前积累的速度上，冲过最小值，又折返回来，最终稳定下来。",
    ),
    "lesson_adam_rosenbrock_title": (
        "Adam against SGD on Rosenbrock",
        "Rosenbrock 函数上的 Adam 与 SGD",
    ),
    "lesson_adam_rosenbrock_text": (
        "The Rosenbrock valley is steep across and almost flat along its curved floor. SGD "
        "(lr 0.0015) and Adam (lr 0.05) start together at (−1.2, 1); the minimum is at (1, 1).",
        "Rosenbrock 峡谷横向陡峭，沿弯曲的谷底几乎平坦。SGD（学习率 0.0015）和 Adam"
        "（学习率 0.05）一起从 (−1.2, 1) 出发；最小值位于 (1, 1)。",
    ),
    "lesson_adam_rosenbrock_question": (
        "Who gets further down the valley towards (1, 1) in 300 steps?",
        "300 步之内，谁沿峡谷走得离 (1, 1) 更近？",
    ),
    "lesson_adam_rosenbrock_choice0": ("SGD", "SGD"),
    "lesson_adam_rosenbrock_choice1": ("Adam", "Adam"),
    "lesson_adam_rosenbrock_reveal": (
        "Adam ends lower (loss 1.2 against 2.5) and nearer (1, 1), though neither gets there in "
        "300 steps. SGD's step is the learning rate times the gradient: on the flat floor the "
        "gradient is about 100 times smaller than at the start, and so are its steps. Adam "
        "divides the gradient by the root of its running mean square, so over the last 100 "
        "steps its steps are about twice as long as SGD's. The rates matter too: try SGD with lr 0.003.",
        "Adam 的终点更低（损失 1.2，SGD 是 2.5），也离 (1, 1) 更近，不过 300 步内两者都没有到达。"
        "SGD 每一步的位移是学习率乘以梯度：在平坦的谷底，梯度比起点处小约 100 倍，步子也随之小约 100 倍。"
        "Adam 把梯度除以梯度平方滑动平均的平方根，所以在最后 100 步里，它的步长约为 SGD 的两倍。"
        "学习率同样重要：试试把 SGD 的学习率设为 0.003。",
    ),
    "lesson_saddle_title": ("At a saddle point", "鞍点附近"),
    "lesson_saddle_text": (
        "f = x² − y² has a saddle at the origin: downhill along y, uphill along x. SGD and Adam "
        "(both with lr 0.05) start at (−1.8, 0.001), almost on the ridge y = 0, where the "
        "gradient along y is tiny.",
        "f = x² − y² 在原点有一个鞍点：沿 y 方向下坡，沿 x 方向上坡。SGD 和 Adam"
        "（学习率都是 0.05）从 (−1.8, 0.001) 出发，几乎就在脊线 y = 0 上，那里沿 y 方向的梯度非常小。",
    ),
    "lesson_saddle_question": (
        "Who escapes along y first (|y| > 1)?",
        "谁先沿 y 方向逃离（|y| > 1）？",
    ),
    "lesson_saddle_choice0": ("SGD", "SGD"),
    "lesson_saddle_choice1": ("Adam", "Adam"),
    "lesson_saddle_choice2": ("Neither escapes", "都逃不出去"),
    "lesson_saddle_reveal": (
        "Adam, at step 20; SGD needs 73 steps. Adam divides each coordinate's gradient by the "
        "root of its running mean square, so even the tiny y-gradient gives a first step of lr = 0.05 along y. "
        "SGD's y only grows by a factor 1 + 2 × 0.05 = 1.1 per step.",
        "Adam，在第 20 步；SGD 要到第 73 步。Adam 把每个坐标的梯度除以该坐标梯度平方滑动平均的平方根，"
        "所以即使 y 方向的梯度很小，第一步沿 y 也能走满 lr = 0.05。"
        "而 SGD 的 y 每步只是乘以 1 + 2 × 0.05 = 1.1，也就是每步只增大 10%。",
    ),
    "lesson_which_basin_title": ("Which basin?", "哪个吸引盆？"),
    "lesson_which_basin_text": (
        "Himmelblau's function has four global minima, each at the bottom of its own basin. SGD "
        "starts between them at (−0.5, 0), with a small learning rate (0.01).",
        "Himmelblau 函数有四个全局最小值，各自位于一个吸引盆的底部。"
        "SGD 从它们之间的 (−0.5, 0) 出发，学习率较小（0.01）。",
    ),
    "lesson_which_basin_question": (
        "Starting from (−0.5, 0), which minimum does SGD reach?",
        "从 (−0.5, 0) 出发，SGD 会到达哪个最小值？",
    ),
    "lesson_which_basin_choice0": ("(3, 2)", "点 (3, 2)"),
    "lesson_which_basin_choice1": ("(−2.81, 3.13)", "点 (−2.81, 3.13)"),
    "lesson_which_basin_choice2": ("(−3.78, −3.28)", "点 (−3.78, −3.28)"),
    "lesson_which_basin_choice3": ("(3.58, −1.85)", "点 (3.58, −1.85)"),
    "lesson_which_basin_reveal": (
        "(−2.81, 3.13). At the start the gradient ∇f = (6.5, −21.5) points down and to the right, "
        "uphill; SGD steps the other way, along −∇f = (−6.5, 21.5): up and to the left, into that "
        "basin. Its small steps keep it there: no point of its path is nearer to another minimum.",
        "点 (−2.81, 3.13)。在起点处，梯度 ∇f = (6.5, −21.5) 指向右下方，也就是上坡的方向；"
        "SGD 沿相反方向 −∇f = (−6.5, 21.5) 走，即朝左上方，正好进入这个吸引盆。学习率小，每步都很短，"
        "SGD 就一直留在这个盆里：路径上没有哪一点离另一个最小值更近。",
    ),
    "lesson_per_coordinate_title": ("Per-coordinate scaling", "逐坐标缩放"),
    "lesson_per_coordinate_text": (
        "On the axis-aligned ellipse x² + 100 y², y is 100 times steeper than x. SGD (lr 0.009) "
        "and RMSprop (lr 0.05) start at (−2.5, 1).",
        "f = x² + 100 y² 的等高线是与坐标轴对齐的椭圆，y 方向比 x 方向陡 100 倍。"
        "SGD（学习率 0.009）和 RMSprop（学习率 0.05）从 (−2.5, 1) 出发。",
    ),
    "lesson_per_coordinate_question": (
        "Which one is at the minimum (within 0.01 of it) after 100 steps?",
        "100 步之后，哪一个到达了最小值（距离在 0.01 以内）？",
    ),
    "lesson_per_coordinate_choice0": ("SGD", "SGD"),
    "lesson_per_coordinate_choice1": ("RMSprop", "RMSprop"),
    "lesson_per_coordinate_choice2": ("Both", "两个都到达了"),
    "lesson_per_coordinate_reveal": (
        "RMSprop, from step 43 on. It divides each coordinate's gradient by the root of that "
        "coordinate's running mean square, so its first step is 0.5 in x and in y alike. SGD's rate must stay "
        "below 2/200 = 0.01 for the steep y: with 0.009 it zig-zags in y at every step, and x "
        "shrinks by only 1.8% per step, to x = −0.41 at the end.",
        "RMSprop，从第 43 步起一直在最小值附近。它把每个坐标的梯度除以该坐标梯度平方滑动平均的平方根，"
        "所以第一步在 x 和 y 方向上都是 0.5。SGD 的学习率受陡峭的 y 方向限制，必须小于 "
        "2/200 = 0.01：取 0.009 时，它在 y 方向上每一步都来回振荡，而 x 每步只缩小 1.8%，"
        "100 步后还在 x = −0.41。",
    ),
    "lesson_local_minima_title": ("A bowl full of dips", "布满小坑的碗"),
    "lesson_local_minima_text": (
        "Rastrigin's function is a bowl covered with a lattice of dips, each a local minimum; "
        "the global minimum is at (0, 0). SGD, Momentum and Adam all start at (2.2, 3.6).",
        "Rastrigin 函数是一个布满格点状小坑的碗，每个小坑都是一个局部最小值；"
        "全局最小值位于 (0, 0)。SGD、Momentum 和 Adam 都从 (2.2, 3.6) 出发。",
    ),
    "lesson_local_minima_question": (
        "Does any of them reach the global minimum at (0, 0)?",
        "有没有哪个优化器能到达 (0, 0) 处的全局最小值？",
    ),
    "lesson_local_minima_choice0": ("Yes, all of them", "都能到达"),
    "lesson_local_minima_choice1": ("Some of them", "有的能"),
    "lesson_local_minima_choice2": ("None of them", "一个都不能"),
    "lesson_local_minima_reveal": (
        "None: all three settle in the dip nearest their start, at about (2, 4), with loss "
        "about 20. Local methods only see the slope where they stand.",
        "一个都不能：三个优化器都停在离起点最近的小坑里，约在 (2, 4) 处，损失约为 20。"
        "基于梯度的局部方法只看得到脚下的坡度。",
    ),
}
