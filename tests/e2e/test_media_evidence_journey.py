"""A student films their exhibition work and adds the film to a goal of their plan: the upload
shows its progress, and the film plays on the plan page, served in ranges."""

import base64
import re

from django.urls import reverse
from playwright.sync_api import expect

from students.models import Evidence, PlanItem

# Records a second of a canvas with the browser's own encoder: a real, playable WebM.
RECORD_WEBM = """async () => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 48;
  const paint = canvas.getContext("2d");
  const stream = canvas.captureStream(25);
  const recorder = new MediaRecorder(stream, {mimeType: "video/webm"});
  const chunks = [];
  recorder.ondataavailable = (event) => chunks.push(event.data);
  const stopped = new Promise((resolve) => { recorder.onstop = resolve; });
  recorder.start();
  for (let frame = 0; frame < 25; frame++) {
    paint.fillStyle = `hsl(${frame * 14}, 80%, 50%)`;
    paint.fillRect(0, 0, 64, 48);
    await new Promise((resolve) => setTimeout(resolve, 40));
  }
  recorder.stop();
  await stopped;
  const bytes = new Uint8Array(await new Blob(chunks).arrayBuffer());
  let text = "";
  for (const byte of bytes) text += String.fromCharCode(byte);
  return btoa(text);
}"""

# Every value the progress bar takes, written to the console (the page it is on goes away).
WATCH_PROGRESS = """() => {
  const bar = document.getElementById("upload-progress-bar");
  new MutationObserver(() => console.log(`progress ${bar.value}/${bar.max}`))
    .observe(bar, {attributes: true, attributeFilter: ["value"]});
}"""


def a_students_goal(demo) -> PlanItem:
    """A goal or project on a plan of the demo's student, or else of any student with one."""
    items = PlanItem.objects.select_related("plan__student__user").order_by(
        "-plan__term__start_date", "pk"
    )
    item = items.filter(plan__student__user__email=demo.student).first()
    return item or items.filter(plan__student__user__is_active=True).first()


def test_a_student_uploads_a_film_with_progress_and_it_plays_on_the_plan(visitor, demo):
    page = visitor.page
    item = a_students_goal(demo)
    assert item is not None, "the demo has no plan with a goal"
    visitor.sign_in(item.plan.student.user.email)
    film = base64.b64decode(page.evaluate(RECORD_WEBM))
    assert film[:4] == b"\x1a\x45\xdf\xa3"  # EBML: what the server will read

    visitor.goto(item.plan.get_absolute_url())
    page.locator(f'main a[href="{reverse("students:evidence-create", args=[item.pk])}"]').click()
    expect(page.get_by_role("heading", name=re.compile("Add evidence"))).to_be_visible()
    visitor.check_accessibility()
    progress = []
    page.on("console", lambda message: progress.append(message.text))
    page.evaluate(WATCH_PROGRESS)
    page.get_by_label("Title").fill("Exhibition rehearsal")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "rehearsal.webm", "mimeType": "video/webm", "buffer": film}
    )
    ranges = []
    page.on(
        "response",
        lambda response: "/plans/evidence/" in response.url and ranges.append(response.status),
    )
    page.get_by_role("button", name="Add evidence").click()

    expect(page.get_by_text("The evidence is added.")).to_be_visible()
    expect(page).to_have_url(re.compile(re.escape(item.plan.get_absolute_url()) + "$"))
    assert "progress 100/100" in progress, progress
    evidence = Evidence.objects.get(item=item, title="Exhibition rehearsal")
    assert (evidence.content_type, evidence.size) == ("video/webm", len(film))

    video = page.locator(f'video[src="{evidence.get_absolute_url()}"]')
    expect(video).to_be_visible()
    expect(video).to_have_attribute("aria-label", "Exhibition rehearsal")
    # The player has read the film's metadata, through the access policy, in ranges.
    page.wait_for_function("video => video.readyState >= 1", arg=video.element_handle())
    assert 206 in ranges, ranges
    visitor.check_accessibility()


def test_a_file_over_the_schools_limit_is_refused_before_it_is_sent(visitor, demo):
    page = visitor.page
    item = a_students_goal(demo)
    school = item.plan.student.school
    school.evidence_limit_mb = 1
    school.save(update_fields=["evidence_limit_mb"])
    visitor.sign_in(item.plan.student.user.email)
    visitor.goto(reverse("students:evidence-create", args=[item.pk]))
    posts = []
    page.on("request", lambda request: request.method == "POST" and posts.append(request.url))
    page.get_by_label("Title").fill("The whole exhibition")
    big = b"\x1a\x45\xdf\xa3" + bytes(2 * 2**20)
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "exhibition.webm", "mimeType": "video/webm", "buffer": big}
    )
    page.get_by_role("button", name="Add evidence").click()
    expect(
        page.get_by_text("This file is 3 MB; the largest your school accepts is 1 MB.")
    ).to_be_visible()
    expect(page.get_by_label("File", exact=True)).to_have_attribute("aria-invalid", "true")
    assert posts == []
    assert page.get_by_label("Title").input_value() == "The whole exhibition"
    visitor.check_accessibility()


def test_a_file_refused_by_the_server_shows_why_beside_the_field(visitor, demo):
    page = visitor.page
    item = a_students_goal(demo)
    visitor.sign_in(item.plan.student.user.email)
    visitor.goto(reverse("students:evidence-create", args=[item.pk]))
    page.get_by_label("Title").fill("My notes")
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "notes.mp4", "mimeType": "video/mp4", "buffer": b"just some notes\n" * 100}
    )
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("This kind of file is not accepted.")).to_be_visible()
    expect(page.locator("#upload-progress")).to_be_hidden()
    assert page.get_by_label("Title").input_value() == "My notes"
    assert not Evidence.objects.filter(item=item, title="My notes").exists()
    # The form swapped in still goes through the script: a second try uploads.
    page.get_by_label("File", exact=True).set_input_files(
        {"name": "notes.pdf", "mimeType": "application/pdf", "buffer": b"%PDF-1.7\n%%EOF\n"}
    )
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("The evidence is added.")).to_be_visible()
    assert Evidence.objects.filter(item=item, title="My notes").exists()
    visitor.check_accessibility()
