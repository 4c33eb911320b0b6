import logging
import threading
import time

from PySide6.QtCore import QCoreApplication, QThread, QThreadPool

from her2desk.ui.workers import Task, TaskCancelled, TaskRunner, describe_error, register_user_error


class StudyProblem(Exception):
    pass


register_user_error(StudyProblem)


def test_task_reports_progress_and_result_on_gui_thread(qtbot):
    seen, threads = [], []

    def work(progress, cancelled):
        for i in range(5):
            progress(i / 4, f"step {i}")
        return sum(range(10))

    task = Task(work, min_interval=0.0)
    task.signals.progress.connect(lambda f, t: (seen.append((f, t)), threads.append(QThread.currentThread())))
    runner = TaskRunner()
    with qtbot.waitSignal(task.signals.finished, timeout=5000) as blocker:
        runner.pool.start(task)
    assert blocker.args == [45]
    qtbot.waitUntil(lambda: len(seen) == 5)
    assert seen == [(0.0, "step 0"), (0.25, "step 1"), (0.5, "step 2"), (0.75, "step 3"), (1.0, "step 4")]
    assert all(t is QCoreApplication.instance().thread() for t in threads)


def test_progress_is_throttled_but_last_and_text_changes_pass(qtbot):
    seen = []

    def work(progress, cancelled):
        for i in range(2000):
            progress(i / 2000, "reading")
        progress(1.0, "reading")
        return "ok"

    task = Task(work, min_interval=10.0)
    task.signals.progress.connect(lambda f, t: seen.append(f))
    with qtbot.waitSignal(task.signals.done, timeout=5000):
        QThreadPool.globalInstance().start(task)
    qtbot.wait(20)
    assert seen == [0.0, 1.0]


def test_runner_cancels_previous_task_with_same_key_and_drops_its_result(qtbot):
    runner = TaskRunner()
    gate = threading.Event()
    results, cancelled_seen = [], []

    def slow(progress, cancelled):
        gate.wait(5)
        while not cancelled():
            time.sleep(0.005)
        raise TaskCancelled()

    first = runner.start("load", slow, on_finished=results.append,
                         on_cancelled=lambda: cancelled_seen.append("first"))
    second = runner.start("load", lambda p, c: "second result", on_finished=results.append)
    assert first.is_cancelled() and not second.is_cancelled()
    gate.set()
    with qtbot.waitSignal(runner.busy_changed, timeout=5000) as blocker:
        pass
    assert blocker.args == [False]
    assert results == ["second result"]
    assert cancelled_seen == []  # the superseded task's signals are not the window's business
    assert not runner.is_busy()


def test_cancel_by_key(qtbot):
    runner = TaskRunner()
    outcome = []

    def loop(progress, cancelled):
        for i in range(1000):
            if cancelled():
                raise TaskCancelled()
            progress(i / 1000, "working")
            time.sleep(0.002)
        return "finished anyway"

    task = runner.start("load", loop, on_finished=outcome.append,
                        on_cancelled=lambda: outcome.append("cancelled"))
    assert runner.is_busy("load")
    with qtbot.waitSignal(task.signals.progress, timeout=5000):
        pass
    runner.cancel("load")
    qtbot.waitUntil(lambda: not runner.is_busy(), timeout=5000)
    assert outcome == ["cancelled"]


def test_errors_become_one_sentence(qtbot, caplog):
    runner = TaskRunner()
    messages = []

    def known(progress, cancelled):
        raise StudyProblem("The sheet 'Patients' has no Patient ID column.")

    def unexpected(progress, cancelled):
        return {}["missing"]

    runner.start("a", known, on_failed=messages.append)
    with caplog.at_level(logging.ERROR, logger="her2desk.ui.workers"):
        runner.start("b", unexpected, on_failed=messages.append)
        qtbot.waitUntil(lambda: len(messages) == 2, timeout=5000)
    assert "The sheet 'Patients' has no Patient ID column." in messages
    assert "Something went wrong: 'missing'" in messages
    assert any("Unexpected error" in r.message for r in caplog.records)


def test_describe_error_for_files():
    assert describe_error(FileNotFoundError(2, "No such file", "/x/study.xlsx")) == \
        "The file /x/study.xlsx could not be found."
    assert "is it open in another program" in describe_error(PermissionError(13, "denied", "s.xlsx"))
