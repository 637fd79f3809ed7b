"""Estimators that are not plain transformers of sequences.

``helpers.estimators.ridge_stats``  sufficient statistics and exact ridge from sums
``helpers.estimators.sharded``      ShardedRidge, ShardedSGDRegressor (fit on Parquet shards)
"""
