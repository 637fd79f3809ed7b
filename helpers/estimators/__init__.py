"""Estimators that are not plain transformers of sequences.

``helpers.estimators.ridge_stats``  sufficient statistics and exact ridge from sums
``helpers.estimators.sharded``      ShardedRidge, ShardedSGDRegressor (fit on Parquet shards)
``helpers.estimators.cnn``          CNNRegressor, a small Keras CNN (Keras imported on first fit)
``helpers.estimators.cnn_filters``  a CNN's first-layer filters read as motifs
"""
