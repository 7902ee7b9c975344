"""Real-network experiments (seeds 000, 002, 003 on real data): data sets shipped with scikit-learn (data), one batched
trainer for many seeds and settings (training), small models, trained minima, per-sample gradients and gradient noise
(gradients), escape from a trained minimum and its sharpness (sharpness), learning-rate schedules (schedules), PL-SGD
(plsgd), optimisers (optim) and tail-index estimators (tail_index).

The modules are imported by name (numerics.nets.gradients, ...): they load scikit-learn data only when used."""
