"""Checks on real networks, schedules: 000 sec. 5 "Learning rate decay" (ResNet20 comparison; Fig. 4, appendix G.1),
scaled down to a small CNN on scikit-learn's digits. Many seeds are trained as one batched model
(numerics/network_schedules.py)."""

from __future__ import annotations

import math

import numpy as np
from scipy import stats

from numerics.nets import data as D
from numerics.nets import schedules as S
from numerics.sde.fits import one_sided_p
from theory.errors import ParameterError

from ..check import Check, Context, Finding
from ..outcome import Verdict
from ..suite import register_check

SUITES = ("networks",)
LABELS = {"lr_decay": "(a) LR decay", "batch_increase": "(b) batch increase", "constant": "(c) neither"}


def _validate(params: dict) -> None:
    if not isinstance(params["seeds"], int) or params["seeds"] < 3:
        raise ParameterError("seeds", params["seeds"], "an integer >= 3", "a paired t-test needs a few seeds")
    if not 0 < params["false_alarm"] < 0.5:
        raise ParameterError("false_alarm", params["false_alarm"], "(0, 0.5)", "the test's false-alarm probability")
    if "equivalence_margin_pp" in params and not params["equivalence_margin_pp"] > 0:
        raise ParameterError("equivalence_margin_pp", params["equivalence_margin_pp"], "> 0",
                             "the equivalence margin of (a) and (b), in percentage points")


def mean_ci(d: np.ndarray, level: float) -> list[float]:
    """Two-sided t confidence interval of the mean at `level`."""
    half = stats.t.ppf(0.5 + level / 2, len(d) - 1) * d.std(ddof=1) / math.sqrt(len(d))
    return [float(d.mean() - half), float(d.mean() + half)]


def train_three_schedules(context: Context, params: dict, lr: float) -> tuple[dict, int, int]:
    data = D.digits(params["test_fraction"], seed=context.seed, images=True)
    seeds = [context.seed * 1000 + i for i in range(params["seeds"])]
    runs = {}
    for name in S.SCHEDULES:
        schedule = S.make_schedule(name, params["epochs"], lr, params["batch_size"], params["factor"],
                                   data.x_train.shape[0])
        runs[name] = S.train_batched([S.small_cnn(s, params["channels"]) for s in seeds], data, schedule, seeds)
    return runs, data, data.x_test.shape[0]


def _finite_mean_sd(values: np.ndarray) -> list:
    """Mean and sd over the finite values (a diverged seed's loss may be inf or NaN: counted apart)."""
    finite = values[np.isfinite(values)]
    return [float(finite.mean()), float(finite.std(ddof=1))] if finite.size >= 2 else [None, None]


def arms_agreement(runs: dict, data, channels: int) -> dict:
    """Why (a) and (b) can agree to every digit (issue 16): both arms draw the same permutation each epoch from the
    same generator, so one step of (b) on a batch of k B is the mean of the k consecutive batches (a) steps through
    at lr / k; the two agree to first order in lr (they differ by O(lr^2 H g)). With a small loss after the first
    milestone the weights hardly move and the argmax on every test image is the same: identical accuracies are this
    equivalence (Smith et al. 2018, 000's ref. [58]), not a bug (tests/test_networks_schedules.py)."""
    a, b = runs["lr_decay"].params, runs["batch_increase"].params
    distance = max(float((a[k] - b[k]).abs().max()) for k in a)
    scale = max(float(a[k].abs().max()) for k in a)
    template = S.small_cnn(0, channels)
    predictions = [S.stacked_logits(template, p, data.x_test).argmax(dim=-1) for p in (a, b)]
    differ = (predictions[0] != predictions[1]).sum(dim=1).numpy()
    return {"max |w(a) - w(b)| / max |w(a)|": distance / scale,
            "test images where (a) and (b) predict differently, per seed": differ.tolist(),
            "why they can agree": "same permutation per epoch: a step of (b) on k B samples is the mean of (a)'s k "
                                  "steps at lr / k, equal to first order in lr"}


def lr_tests(accuracy: dict, margin: float) -> tuple[dict, dict, dict]:
    """The one-sided paired t-tests for and against the claim, and the Wilcoxon cross-check (docstring of
    lr_decay_batch_increase)."""
    a, b, c = accuracy["lr_decay"], accuracy["batch_increase"], accuracy["constant"]
    d_ac, d_bc, d_ab = a - c, b - c, a - b
    p = {"(a) > (c)": one_sided_p(d_ac, 0, "greater"), "(b) > (c)": one_sided_p(d_bc, 0, "greater"),
         "TOST |(a) - (b)| < margin": max(one_sided_p(d_ab, -margin, "greater"), one_sided_p(d_ab, margin, "less"))}
    against = {"(c) > (a)": one_sided_p(d_ac, 0, "less"), "(c) > (b)": one_sided_p(d_bc, 0, "less"),
               "(a) - (b) > margin": one_sided_p(d_ab, margin, "greater"),
               "(a) - (b) < -margin": one_sided_p(d_ab, -margin, "less")}
    # Wilcoxon signed-rank: a distribution-free cross-check of the two superiority tests (reported, not deciding)
    wilcoxon = {"(a) > (c)": float(stats.wilcoxon(d_ac, alternative="greater").pvalue) if np.any(d_ac) else 1.0,
                "(b) > (c)": float(stats.wilcoxon(d_bc, alternative="greater").pvalue) if np.any(d_bc) else 1.0}
    return p, against, wilcoxon


def one_learning_rate(context: Context, params: dict, lr: float) -> dict:
    """The three schedules at one initial learning rate, their tests and the precondition (no arm diverges: final
    training loss below ln 10, chance level on 10 classes), with its verdict and reason."""
    alpha, margin = params["false_alarm"], params["equivalence_margin_pp"]
    runs, data, n_test = train_three_schedules(context, params, lr)
    accuracy = {name: 100 * run.test_accuracy for name, run in runs.items()}        # percentage points
    p, against, wilcoxon = lr_tests(accuracy, margin)
    diverged = {name: int(np.sum(~(run.train_loss < math.log(10)))) for name, run in runs.items()}
    d_ab = accuracy["lr_decay"] - accuracy["batch_increase"]
    result = {
        "lr": lr, "schedules": {name: {"learning rate per epoch": list(run.schedule.learning_rates),
                                       "batch size per epoch": list(run.schedule.batch_sizes),
                                       "steps per epoch": list(run.steps_per_epoch)} for name, run in runs.items()},
        "test accuracy per seed (%)": {name: acc.tolist() for name, acc in accuracy.items()},
        "test accuracy (%) mean, sd": {name: [float(v.mean()), float(v.std(ddof=1))] for name, v in accuracy.items()},
        "final training loss mean, sd (finite seeds)": {name: _finite_mean_sd(run.train_loss)
                                                        for name, run in runs.items()},
        "precondition: no arm diverges (final training loss < ln 10)": {"diverged seeds": diverged,
                                                                         "reached": not any(diverged.values())},
        "paired differences (pp) mean, sd": {
            k: [float(d.mean()), float(d.std(ddof=1))] for k, d in
            (("(a) - (c)", accuracy["lr_decay"] - accuracy["constant"]),
             ("(b) - (c)", accuracy["batch_increase"] - accuracy["constant"]), ("(a) - (b)", d_ab))},
        f"(a) - (b) CI at {1 - 2 * alpha:.4f} (TOST's interval)": mean_ci(d_ab, 1 - 2 * alpha),
        "p-values for the claim (each must be < false alarm)": p,
        "p-values against the claim (each compared with false alarm / 4)": against,
        "Wilcoxon signed-rank p (cross-check)": wilcoxon,
        "(a) against (b)": arms_agreement(runs, data, params["channels"]), "test images": n_test}
    result["verdict"], result["reason"] = lr_verdict(p, against, diverged, alpha)
    return result


def lr_verdict(p: dict, against: dict, diverged: dict, alpha: float) -> tuple[str, str]:
    """VERIFIED: all three tests for the claim at alpha (intersection-union: false alarm <= alpha); REFUTED: one of the
    four tests against it at alpha / 4 (Bonferroni: false alarm <= alpha); INCONCLUSIVE otherwise, and whenever an
    arm diverged (then (a) > (c) would measure the divergence, not the noise the claim is about)."""
    if any(diverged.values()):
        return "INCONCLUSIVE", f"diverged seeds (final training loss >= ln 10) {diverged}"
    if all(value < alpha for value in p.values()):
        return "VERIFIED", f"(a) ~ (b) and both > (c) at p < {alpha} (max p {max(p.values()):.1e})"
    refuting = [name for name, value in against.items() if value < alpha / 4]
    if refuting:
        return "REFUTED", f"against the claim: {', '.join(refuting)} (p < {alpha}/4)"
    return "INCONCLUSIVE", f"not significant at {alpha}: {', '.join(k for k, v in p.items() if v >= alpha)}"


def lr_decay_batch_increase(context: Context, params: dict) -> Finding:
    """000 sec. 5 (ResNet20, 90 epochs): LRdecay at E/3 and 2E/3 and the batch increase by the same factor reach the same
    test accuracy, both higher than neither. Paired per seed (same initialisation and same mini-batch permutations in
    all three schedules). At each initial learning rate in `lrs` (issue 16: a sweep, not the lr where the claim
    holds): VERIFIED needs all three at level `false_alarm` (an intersection-union test, so its false-alarm
    probability is at most `false_alarm`): one-sided paired t-tests (a) > (c) and (b) > (c), and TOST equivalence
    |mean (a) - (b)| < margin. REFUTED needs one of four one-sided tests ((c) > (a), (c) > (b), (a) - (b) > margin,
    (a) - (b) < -margin) at false_alarm / 4 (Bonferroni). INCONCLUSIVE otherwise, or where an arm diverged. The
    t-tests assume a near-normal mean of the per-seed differences; a Wilcoxon signed-rank p is reported as a
    cross-check. Overall: the common verdict when every learning rate agrees, else INCONCLUSIVE, regime-dependent."""
    _validate(params)
    per_lr = [one_learning_rate(context, params, lr) for lr in params["lrs"]]
    evidence = {
        "data": "scikit-learn digits (1797 images 8x8, 10 classes), stratified split, standardised pixels",
        "settings": {k: params[k] for k in ("epochs", "seeds", "lrs", "batch_size", "factor", "channels",
                                            "test_fraction")},
        "milestones (0-based epoch from which the change applies)": list(S.milestones(params["epochs"])),
        "model": f"conv 1->{params['channels']} 3x3, ReLU, maxpool 2, linear {16 * params['channels']}->10; "
                 "plain SGD (no momentum, no weight decay, as in 000 sec. 5)",
        "seeds": [context.seed * 1000 + i for i in range(params["seeds"])],
        "equivalence margin (pp)": params["equivalence_margin_pp"], "false alarm": params["false_alarm"],
        "false alarm of the overall verdict": "at most false_alarm: it needs the same decided verdict at every lr",
        "verdict per learning rate": {str(r["lr"]): f"{r['verdict']}: {r['reason']}" for r in per_lr},
        "per learning rate": per_lr,
        "paper (000 sec. 5, ResNet20 on CIFAR, 90 epochs)": "top-1 66.7 (LRdecay), 66.4 (batch increase), 53 (neither)",
    }
    text = "; ".join(f"lr {r['lr']:g}: {r['verdict']} ((a) {r['test accuracy (%) mean, sd']['lr_decay'][0]:.1f}%, (b) "
                     f"{r['test accuracy (%) mean, sd']['batch_increase'][0]:.1f}%, (c) "
                     f"{r['test accuracy (%) mean, sd']['constant'][0]:.1f}%; {r['reason']})" for r in per_lr)
    verdict, lead = overall_verdict([r["verdict"] for r in per_lr])
    return Finding(verdict, f"{lead} ({params['seeds']} seeds each): {text}", evidence)


def overall_verdict(per_lr: list[str]) -> tuple[Verdict, str]:
    """The common verdict when every learning rate gives the same one; else INCONCLUSIVE, 'regime-dependent'."""
    if len(set(per_lr)) == 1:
        return Verdict(per_lr[0]), "the same at every learning rate"
    return Verdict.INCONCLUSIVE, "regime-dependent: the verdict differs between learning rates"


def plot_accuracy(outcome):
    import matplotlib.pyplot as plt

    evidence = outcome.evidence
    per_lr = evidence["per learning rate"]
    fig, axes = plt.subplots(1, len(per_lr), figsize=(4 * len(per_lr), 4), squeeze=False)
    for ax, result in zip(axes[0], per_lr):
        per_seed = result["test accuracy per seed (%)"]
        for position, (name, values) in enumerate(per_seed.items()):
            values = np.asarray(values)
            ax.plot(np.full(len(values), position) + np.linspace(-0.15, 0.15, len(values)), values, ".", alpha=0.5)
            ax.errorbar(position + 0.3, values.mean(), yerr=values.std(ddof=1), fmt="o", capsize=4, color="k")
        ax.set_xticks(range(len(per_seed)), [LABELS.get(name, name) for name in per_seed], fontsize=7)
        ax.set(title=f"lr {result['lr']}: {result['verdict']}")
    axes[0][0].set_ylabel("test accuracy (%) per seed; mean +- sd")
    settings = evidence["settings"]
    fig.suptitle(f"digits CNN, batch {settings['batch_size']}, factor {settings['factor']} (000 sec. 5)", fontsize=10)
    fig.tight_layout()
    return fig


#: the training both schedule checks share (digits CNN, decay / batch factor, milestones at E/3 and 2E/3)
TRAINING = {"epochs": 15, "lr": 0.5, "batch_size": 8, "factor": 4, "channels": 8, "test_fraction": 0.5,
            "false_alarm": 1e-3}

register_check(Check("networks.lr_decay_batch_increase", ("battash.lr_decay_batch_increase",), "experiment",
                     "LR decay vs the equivalent batch-size increase vs neither: test accuracy of a small CNN on digits "
                     "at each initial lr of a sweep (000 sec. 5)",
                     lr_decay_batch_increase,
                     params={**{k: v for k, v in TRAINING.items() if k != "lr"}, "lrs": [0.1, 0.2, 0.3, 0.5],
                             "seeds": 24, "equivalence_margin_pp": 1.0},
                     suite_params={"quick": {"seeds": 6}},   # the notebook's size
                     suites=SUITES, seed=64, plot=plot_accuracy))


def _histograms(samples: dict, bins: int) -> dict:
    pooled = np.concatenate(list(samples.values()))
    low, high = np.quantile(pooled, [0.005, 0.995])
    edges = np.linspace(low, high, bins + 1)
    return {"edges": edges.tolist(), **{k: np.histogram(v, bins=edges)[0].tolist() for k, v in samples.items()}}


def amplitude_ratios(amplitude: dict, usable: np.ndarray, alpha: float) -> tuple[dict, dict, dict]:
    """Per noise kind, statistic (sd, IQR) and reference state: the geometric-mean ratio of (a) after the decay to the
    reference over the usable seeds, its CI and one-sided paired t p-values; p_for / p_against are those of the
    gradient noise against (c) at the same epoch (the deciding comparison)."""
    rows, p_for, p_against = {}, {}, {}
    for kind in ("gradient", "update"):
        for statistic in ("sd", "iqr"):
            for reference in ("after constant", "before"):
                ratio = np.log(amplitude["after lr_decay"][kind][statistic][usable]
                               / amplitude[reference][kind][statistic][usable])
                key = f"{kind} noise {statistic}: (a) after / {reference.replace('after constant', '(c) same epoch')}"
                rows[key] = {"ratio (geometric mean)": float(np.exp(ratio.mean())),
                             f"ratio CI at {1 - alpha:.4f}": np.exp(mean_ci(ratio, 1 - alpha)).tolist(),
                             "p (ratio < 1)": one_sided_p(ratio, 0, "less"),
                             "p (ratio > 1)": one_sided_p(ratio, 0, "greater")}
                if kind == "gradient" and reference == "after constant":
                    p_for[statistic], p_against[statistic] = rows[key]["p (ratio < 1)"], rows[key]["p (ratio > 1)"]
    return rows, p_for, p_against


def noise_at_states(context: Context, params: dict, data, seeds: list, epochs: tuple[int, int]) -> tuple[dict, dict]:
    """Train the three schedules to epochs[1] with snapshots at both epochs, and sample the watched parameter's gradient
    noise (and lr * noise, and the training loss) at 'before' (epochs[0], constant) and 'after' (epochs[1], each)."""
    first, after = epochs
    runs, noise = {}, {}
    for name in S.SCHEDULES:
        schedule = S.make_schedule(name, params["epochs"], params["lr"], params["batch_size"], params["factor"],
                                   data.x_train.shape[0])
        runs[name] = S.train_batched([S.small_cnn(s, params["channels"]) for s in seeds], data, schedule, seeds,
                                     snapshot_epochs=(first, after), epochs=after)
    template = S.small_cnn(0, params["channels"])
    states = {"before": ("constant", first), **{f"after {name}": (name, after) for name in S.SCHEDULES}}
    for state, (name, epoch) in states.items():
        batch = runs[name].schedule.batch_sizes[epoch - 1]       # the batch the schedule used in the last epoch
        gradient = S.parameter_gradient_noise(template, runs[name].snapshots[epoch], data.x_train, data.y_train,
                                              params["parameter"], params["index"], batch, params["noise_batches"],
                                              seed=context.seed)
        lr = runs[name].schedule.learning_rates[epoch - 1]
        noise[state] = {"batch size": batch, "lr": lr, "gradient": gradient, "update": lr * gradient,
                        "loss": S.stacked_loss(template, runs[name].snapshots[epoch], data.x_train, data.y_train)}
    return runs, noise


def lr_decay_noise(context: Context, params: dict) -> Finding:
    """000 sec. 5 and Fig. 4 (appendix G.1): after the LR decay the stochastic gradient noise of a single parameter has a
    lower amplitude and less variance than before the decay and than without the decay at the same epoch. Weights are
    taken after m1 epochs (the last at the initial lr: 'before'; all schedules are still identical there) and after
    m1 + after_epochs epochs ('after' for (a), (b), (c)); at fixed weights, `noise_batches` mini-batch gradients of the
    watched parameter minus its full gradient. Fig. 4's caption says it shows the stochastic GRADIENT noise, so the
    verdict is on the gradient noise of (a) after the decay against (c) at the same epoch: paired over seeds, one-sided
    t-tests on log(amplitude ratio) < 0 for the sd and for the IQR, both at `false_alarm` (intersection-union);
    REFUTED if either ratio is significantly > 1 at false_alarm / 2. The update noise lr * noise is reported too:
    it drops by the factor k through the lr alone. The watched parameter defaults to an output-layer bias: every sample
    contributes to its gradient (softmax - one-hot), whereas a convolution weight of a filter that died at lr 0.5 has
    noise exactly 0 in some seeds (no amplitude ratio; such seeds are left out and counted)."""
    _validate(params)
    alpha = params["false_alarm"]
    data = D.digits(params["test_fraction"], seed=context.seed, images=True)
    seeds = [context.seed * 1000 + i for i in range(params["seeds"])]
    first = S.milestones(params["epochs"])[0]
    after = first + params["after_epochs"]
    if not 1 <= params["after_epochs"] <= S.milestones(params["epochs"])[1] - first:
        raise ParameterError("after_epochs", params["after_epochs"], "between 1 and the gap between the milestones",
                             "epochs trained at the first decayed lr before measuring")
    runs, noise = noise_at_states(context, params, data, seeds, (first, after))
    # identical up to the first milestone: same initialisation and mini-batches (checked, reported)
    identical = max(float((runs["lr_decay"].snapshots[first][k] - runs["constant"].snapshots[first][k]).abs().max())
                    for k in runs["constant"].snapshots[first])
    amplitude = {state: {kind: S.noise_amplitude(value[kind]) for kind in ("gradient", "update")}
                 for state, value in noise.items()}
    # a watched weight whose filter is dead in a seed has noise 0 there: no ratio; such seeds are left out, counted
    usable = np.all([amplitude[s]["gradient"]["iqr"] > 0 for s in amplitude], axis=0)
    rows, p_for, p_against = amplitude_ratios(amplitude, usable, alpha)
    show = int(np.argmax(usable)) if usable.any() else 0
    evidence = {
        "settings": {k: params[k] for k in ("epochs", "seeds", "lr", "batch_size", "factor", "channels", "parameter",
                                            "index", "noise_batches", "after_epochs", "test_fraction")},
        "before: epochs completed (last epoch at the initial lr)": first, "after: epochs completed": after,
        "paper (000 Fig. 4)": "ResNet110 on CIFAR100, decay by 10 at epoch 280; noise at epochs 279, 281, 280 (none)",
        "which noise the paper shows": "Fig. 4's caption: 'the stochastic gradient noise of a single parameter' -> the "
                                       "gradient noise decides; the text's 'LRdecay decreases the step size and the "
                                       "noise amplitude' is about the update noise lr * noise, reported alongside",
        "(a) and (c) identical at the milestone (max |difference|)": identical,
        "lr and batch size per state": {s: {"lr": v["lr"], "batch size": v["batch size"]} for s, v in noise.items()},
        "seeds": seeds, "seeds left out (watched weight with zero noise)": int((~usable).sum()),
        "amplitude per seed": {s: {kind: {stat: values.tolist() for stat, values in per.items()}
                                   for kind, per in by_kind.items()} for s, by_kind in amplitude.items()},
        "amplitude ratios (over seeds)": rows,
        "training loss per state (mean, sd over seeds)": {s: _finite_mean_sd(v["loss"]) for s, v in noise.items()},
        "precondition: no diverged seeds in (a) and (c) after the decay (training loss < ln 10)": {
            s: int(np.sum(~(noise[s]["loss"] < math.log(10)))) for s in ("after lr_decay", "after constant")},
        "confound": "the gradient noise scales with the loss (per-sample gradients shrink as the fit improves): (a) "
                    "has a lower training loss after the decay than (c), so a lower noise at the same epoch is not "
                    "only the decay's doing; a comparison at matched loss would separate them (issue 16 item 4)",
        "false alarm": alpha,
        f"histograms (seed {seeds[show]})": {kind: _histograms({s: v[kind][show] for s, v in noise.items()},
                                                               params["bins"]) for kind in ("gradient", "update")},
    }
    ratio = {s: rows[f"gradient noise {s}: (a) after / (c) same epoch"]["ratio (geometric mean)"] for s in ("sd", "iqr")}
    text = (f"gradient noise of {params['parameter']}[{params['index']}] after the decay vs (c) at epoch {after}: "
            f"sd ratio {ratio['sd']:.2f}, IQR ratio {ratio['iqr']:.2f} ({int(usable.sum())} seeds); update noise "
            f"ratio (sd) {rows['update noise sd: (a) after / (c) same epoch']['ratio (geometric mean)']:.3f}")
    return noise_decision(p_for, p_against, int(usable.sum()), text, evidence, alpha)


# 6 parameters: the two sets of p-values, the usable seeds, the summary so far, the evidence and the level
def noise_decision(p_for: dict, p_against: dict, usable: int, text: str, evidence: dict, alpha: float) -> Finding:
    """VERIFIED: the sd and the IQR of the gradient noise both lower after the decay at alpha (intersection-union:
    false alarm <= alpha); REFUTED: either significantly larger at alpha / 2 (Bonferroni); INCONCLUSIVE otherwise.
    The summary reports both tests as they came out, and the loss confound."""
    losses = evidence["training loss per state (mean, sd over seeds)"]
    confound = (f"; training loss (a) {losses['after lr_decay'][0]:.3g} vs (c) {losses['after constant'][0]:.3g} at that "
                "epoch (finite seeds): the lower loss after the decay confounds the comparison")
    tests = "; ".join(f"{name} drop {'significant' if p_for[key] < alpha else 'not significant'} (p = {p_for[key]:.2g})"
                      for key, name in (("sd", "sd"), ("iqr", "IQR")))
    if usable < 3:
        return Finding(Verdict.INCONCLUSIVE, f"{text}: fewer than 3 seeds with non-zero noise", evidence)
    diverged = evidence["precondition: no diverged seeds in (a) and (c) after the decay (training loss < ln 10)"]
    if any(diverged.values()):
        return Finding(Verdict.INCONCLUSIVE, f"{text}: diverged seeds (training loss >= ln 10) {diverged}: the noise "
                       f"of a diverged run is no comparator ({tests}){confound}; would be reached at an initial lr "
                       "where (c) trains (networks.lr_decay_batch_increase: none diverge at lr <= 0.3)", evidence)
    if all(value < alpha for value in p_for.values()):
        return Finding(Verdict.VERIFIED, f"{text}: both lower at p < {alpha} ({tests}){confound}", evidence)
    if any(value < alpha / 2 for value in p_against.values()):
        return Finding(Verdict.REFUTED, f"{text}: the gradient noise is significantly LARGER after the decay "
                       f"(p < {alpha}/2){confound}", evidence)
    return Finding(Verdict.INCONCLUSIVE, f"{text}: at {alpha}, {tests}; the claim needs both (the IQR is unstable on "
                   f"zero-inflated noise){confound}", evidence)


def plot_noise(outcome):
    import matplotlib.pyplot as plt

    evidence = outcome.evidence
    key = next(k for k in evidence if k.startswith("histograms"))
    fig, axes = plt.subplots(1, 2, figsize=(10, 4))
    for ax, kind in zip(axes, ("gradient", "update")):
        histogram = evidence[key][kind]
        edges = np.asarray(histogram["edges"])
        for state, counts in histogram.items():
            if state != "edges":
                ax.stairs(counts, edges, label=state)
        ax.set(xlabel=f"{kind} noise of {evidence['settings']['parameter']}[{evidence['settings']['index']}]",
               ylabel="mini-batches", title=f"{kind} noise {key[len('histograms '):]}, as 000 Fig. 4")
        ax.legend(fontsize=8)
    return fig


register_check(Check("networks.lr_decay_noise", ("battash.lr_decay_noise",), "experiment",
                     "gradient and update noise of one parameter before / after the first LR decay and without it "
                     "(000 sec. 5, Fig. 4), small CNN on digits",
                     lr_decay_noise,
                     params={**TRAINING, "seeds": 32, "parameter": "4.bias", "index": 0, "noise_batches": 1000,
                             "after_epochs": 1, "bins": 40},
                     suite_params={"quick": {"seeds": 8, "noise_batches": 300}},   # the notebook's size
                     suites=SUITES, seed=65, plot=plot_noise))
