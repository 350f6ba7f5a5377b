import pytest

from kernel.queue import enqueue, enqueue_on_commit


@pytest.mark.django_db
def test_a_task_is_sent_by_its_registered_name_without_importing_its_module():
    # Celery is eager without a broker: the task runs here and its result comes back
    result = enqueue("core.deposit_reminders_send")

    assert result.get() == 0


@pytest.mark.django_db
def test_a_task_enqueued_on_commit_waits_for_the_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        enqueue_on_commit("core.deposit_reminders_send")

    assert len(callbacks) == 1


def test_an_unknown_task_name_fails_loudly():
    with pytest.raises(KeyError):
        enqueue("core.no_such_task")
