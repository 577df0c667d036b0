"""Household survey estimation: designs, Taylor and replicate variance, intervals, domains, disclosure.

Public API: :func:`wsis.survey.estimate.estimate` and :func:`wsis.survey.publish.publish`.
"""
