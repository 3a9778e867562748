"""Tables of the campaign module: campaigns, call lists and leads, DNC,
caller IDs and trunks, dispositions and callbacks, project log, settlement."""
from campaigns.models.callerids import CallerId, CallerIdPool, Trunk, campaign_caller_pools
from campaigns.models.campaign import (
    Campaign,
    CampaignState,
    CampaignTransition,
    Rectification,
    campaign_agents,
)
from campaigns.models.dispositions import Callback, CallbackStatus, Disposition
from campaigns.models.dnc import DncEntry
from campaigns.models.lists import CallList, ColumnMappingTemplate, ImportBatch, ImportReject, Lead, LeadStatus
from campaigns.models.projectlog import ProjectLogEntry, Settlement

__all__ = [
    "Callback", "CallbackStatus", "CallerId", "CallerIdPool", "CallList", "Campaign", "CampaignState",
    "CampaignTransition", "ColumnMappingTemplate", "Disposition", "DncEntry", "ImportBatch", "ImportReject",
    "Lead", "LeadStatus", "ProjectLogEntry", "Rectification", "Settlement", "Trunk", "campaign_agents",
    "campaign_caller_pools",
]
