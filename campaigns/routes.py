"""The campaign module's blueprints (the app finds this list by itself)."""

from campaigns.callerids.api import bp as callerids_api
from campaigns.dispositions.api import bp as dispositions_api
from campaigns.lifecycle.api import bp as lifecycle_api
from campaigns.manage.api import bp as campaigns_api
from campaigns.manage.views import bp as campaign_pages
from campaigns.projectlog.api import bp as projectlog_api
from campaigns.rules.api import bp as rules_api
from campaigns.settlement.api import bp as settlement_api
from campaigns.trial.api import bp as trial_api

blueprints = [
    campaigns_api,
    lifecycle_api,
    trial_api,
    rules_api,
    callerids_api,
    dispositions_api,
    projectlog_api,
    settlement_api,
    campaign_pages,
]
