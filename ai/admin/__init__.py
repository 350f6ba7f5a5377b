"""Staff panel of the assistant: the conversations inbox, and the knowledge base.

conversations.py  inbox (escalated first), transcript with facts/quote/lead, reply box
actions.py        reply, take over, hand back, mark handled: declared on the staff-panel kit,
                  offered in the list and on a conversation's page
knowledge.py      knowledge entries (no typed prices), and "try a question"
"""

from ai.admin.conversations import ConversationAdmin, MessageAdmin
from ai.admin.knowledge import KnowledgeAdmin

__all__ = ["ConversationAdmin", "KnowledgeAdmin", "MessageAdmin"]
