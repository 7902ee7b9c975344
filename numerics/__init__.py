"""escape-theory, numeric layer: quadrature, Monte Carlo, estimators (imports theory, never verify)."""
