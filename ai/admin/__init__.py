"""Staff panel of the assistant: the conversations inbox, and the knowledge base.

conversations.py  inbox (escalated first), transcript with facts/quote/lead, reply box,
                  take over / hand back / mark handled
knowledge.py      knowledge entries (no typed prices), and "try a question"
"""

from ai.admin.conversations import ConversationAdmin, MessageAdmin
from ai.admin.knowledge import KnowledgeAdmin

__all__ = ["ConversationAdmin", "KnowledgeAdmin", "MessageAdmin"]
