"""The area mixins of Services, in one list (each area lives in its own module)."""
from appliance.services.campaigns import CampaignServices
from appliance.services.conversations import ConversationServices
from appliance.services.dashboard import DashboardServices
from appliance.services.imports import ImportServices
from appliance.services.invoices import InvoiceServices
from appliance.services.modems import ModemServices
from appliance.services.outbox import OutboxServices
from appliance.services.settings import SettingsServices
from appliance.services.staff import StaffServices
from appliance.services.templates import TemplateServices

AREA_MIXINS = (DashboardServices, InvoiceServices, ImportServices, TemplateServices, CampaignServices,
               OutboxServices, ConversationServices, ModemServices, SettingsServices, StaffServices)
