"""Questionnaires (调查问卷) as data: structure, branching, structure
validation and answer validation.  Pure: no database, no Flask.

The same branching rules run in the agent console
(`static/scripts/questionnaire.js`); a test runs shared cases through both.
"""
