import datetime

from crm.models import Campaign
from crm.policy import marketing_cap


def test_marketing_caps_are_8_sms_in_30_days_and_2_emails_in_7_days():
    sms, email = marketing_cap(Campaign.Channel.SMS), marketing_cap(Campaign.Channel.EMAIL)

    assert (sms.max_messages, sms.window) == (8, datetime.timedelta(days=30))
    assert (email.max_messages, email.window) == (2, datetime.timedelta(days=7))
