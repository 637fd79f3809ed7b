"""The "use your own data" coursework template (chapter 09), in the order it runs.

``helpers.coursework.settings``          the settings of the shipped files (TableSpec)
``helpers.coursework.candidates``        candidate models, GroupedRidgeCV
``helpers.coursework.folds``             folds that keep related sequences together
``helpers.coursework.cross_validation``  honest comparison of the candidates
``helpers.coursework.explain``           importance and mutagenesis of the best model
``helpers.coursework.report``            the report: tables, figures, limits, writing
``helpers.coursework.pipeline``          noise ceiling and the whole run in one call

Reading and cleaning the file is :mod:`helpers.data`'s job. ``helpers.models``
and ``helpers.report`` re-export these names for older imports.
"""
