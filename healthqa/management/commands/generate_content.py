"""Synthetic content for benchmarks: many public questions, answers, articles, tags and picks.

Rows are written with bulk_create in large batches (no per-row signals or history), so
100,000 questions take well under two minutes. The same --seed gives the same content.
"""

import random
import time
from datetime import timedelta

from django.contrib.contenttypes.models import ContentType
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from taggit.models import Tag, TaggedItem

from articles.models import Article
from experts.models import Expert
from healthqa import search
from healthqa.core.markdown import render_markdown
from healthqa.models import Answer, ContinueLearningPick, Question, Topic

TOPICS = [
    ("Back Pain", ["back", "lower back", "spine", "neck"]),
    ("Exercise & Fitness", ["knee", "shoulder", "hip", "ankle"]),
    ("Sleep", ["sleep", "insomnia", "naps", "snoring"]),
    ("Nutrition", ["protein", "fibre", "breakfast", "hydration"]),
    ("Heart Health", ["blood pressure", "heart rate", "cholesterol", "circulation"]),
    ("Mental Health", ["stress", "anxiety", "mood", "focus"]),
    ("Skin Care", ["eczema", "sunburn", "acne", "dry skin"]),
    ("Digestive Health", ["bloating", "heartburn", "constipation", "gut"]),
]
ACTIVITIES = [
    "do push-ups", "run", "lift weights", "sit at my desk", "stand all day", "swim",
    "cycle to work", "do yoga", "play tennis", "climb stairs", "carry my child", "garden",
]  # fmt: skip
QUESTION_TEMPLATES = [
    "Why does my {part} hurt when I {activity}?",
    "Is it safe to {activity} with {part} problems?",
    "How can I protect my {part} when I {activity}?",
    "What helps {part} trouble after I {activity}?",
    "Should I see a doctor about {part} pain when I {activity}?",
    "How often should I {activity} if I have {part} issues?",
]
SENTENCES = [
    "Start by noticing whether you feel discomfort or real pain; pain is a signal to stop.",
    "Warm up for five to ten minutes before you begin, and build up the effort gradually.",
    "Good form matters more than speed or weight, so slow down and check your posture.",
    "Drawing your belly button toward your spine helps you brace the muscles that support you.",
    "If the problem lasts more than a few weeks, ask a healthcare professional to assess it.",
    "Rest days are part of training: muscles and joints adapt while you recover.",
    "Regular, moderate activity is usually better than occasional intense sessions.",
    "Sleep, hydration and a balanced diet all affect how your body responds to exercise.",
    "Stop and seek urgent care if pain comes with numbness, weakness or fever.",
    "A physical therapist can tailor exercises to your body and your goals.",
]  # fmt: skip
EXPERT_NAMES = [
    "Avery Collins", "Jordan Patel", "Morgan Reyes", "Riley Chen", "Casey Novak",
    "Taylor Okafor", "Jamie Lindholm", "Quinn Alvarez", "Drew Nakamura", "Rowan Fischer",
]  # fmt: skip
CREDENTIALS = ["MD", "DPT", "RD", "MD, FACSM", "PhD", "RN", "PT, OCS", "MD, FACC"]
BATCH = 5_000


class Command(BaseCommand):
    help = "Bulk-generate realistic synthetic content (public questions with answers, articles)."

    def add_arguments(self, parser):
        parser.add_argument("--questions", type=int, required=True)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--articles", type=int, default=None, help="default: questions/20")

    def handle(self, *args, questions, seed, articles, **options):
        if questions < 1:
            raise CommandError("--questions must be at least 1")
        started = time.monotonic()
        rng = random.Random(seed)
        prefix = f"gen{seed}"
        if Question.objects.filter(slug__startswith=f"{prefix}-").exists():
            raise CommandError(f"Content for seed {seed} exists already; use another --seed.")
        n_articles = articles if articles is not None else max(4, questions // 20)
        now = timezone.now()
        with transaction.atomic():
            topics = self.make_topics(prefix)
            experts = self.make_experts(rng, prefix, topics)
            tags = self.make_tags(prefix, topics)
            article_ids = self.make_articles(rng, prefix, topics, experts, n_articles, now)
            question_ids = self.make_questions(rng, prefix, topics, questions, now)
            n_answers = self.make_answers(rng, question_ids, experts, now)
            self.tag_items(rng, question_ids, article_ids, tags)
            self.make_picks(rng, question_ids, article_ids)
        search.analyze()  # planner statistics for the new row counts
        self.stdout.write(
            f"Generated {questions} questions, {n_answers} answers, {n_articles} articles, "
            f"{len(experts)} experts, {len(topics)} topics in {time.monotonic() - started:.1f} s "
            f"(seed {seed})."
        )

    def make_topics(self, prefix):
        topics = []
        for name, parts in TOPICS:
            topic, _ = Topic.objects.get_or_create(
                slug=f"{prefix}-{name.lower().replace(' & ', '-').replace(' ', '-')}",
                defaults={"name": f"{name} ({prefix})", "description": f"About {name.lower()}."},
            )
            topic.parts = parts
            topics.append(topic)
        return topics

    def make_experts(self, rng, prefix, topics):
        rows = []
        for i in range(max(10, len(topics) * 3)):
            name = f"{rng.choice(EXPERT_NAMES)} {i}"
            organization = i % 7 == 0
            rows.append(
                Expert(
                    name=f"{name} Health Institute" if organization else f"Dr. {name}",
                    slug=f"{prefix}-expert-{i}",
                    kind=Expert.Kind.ORGANIZATION if organization else Expert.Kind.PERSON,
                    credentials="" if organization else rng.choice(CREDENTIALS),
                    headline="Synthetic benchmark expert",
                    bio=" ".join(rng.sample(SENTENCES, 3)),
                    verified=True,
                    is_active=True,
                    is_demo=True,
                )
            )
        experts = Expert.objects.bulk_create(rows)
        through = Expert.specialties.through
        through.objects.bulk_create(
            [through(expert_id=e.pk, topic_id=rng.choice(topics).pk) for e in experts]
        )
        return experts

    def make_tags(self, prefix, topics):
        names = sorted({part for topic in topics for part in topic.parts})
        rows = [Tag(name=f"{name} {prefix}", slug=f"{prefix}-{name.replace(' ', '-')}")
                for name in names]  # fmt: skip
        return Tag.objects.bulk_create(rows)

    def make_articles(self, rng, prefix, topics, experts, count, now):
        rows = []
        for i in range(count):
            topic = topics[i % len(topics)]
            part = rng.choice(topic.parts)
            body = "\n\n".join(" ".join(rng.sample(SENTENCES, 3)) for _ in range(4))
            rows.append(
                Article(
                    title=f"{rng.choice(['Simple', 'Gentle', 'Everyday', 'Smart'])} ways to "
                    f"look after your {part} ({i})",
                    slug=f"{prefix}-article-{i}",
                    excerpt=" ".join(rng.sample(SENTENCES, 2)),
                    body=body,
                    body_html=render_markdown(body),
                    topic=topic,
                    author=rng.choice(experts),
                    status=Article.Status.PUBLISHED,
                    published_at=now - timedelta(minutes=rng.randint(60, 60 * 24 * 700)),
                    reviewed_at=now - timedelta(days=rng.randint(1, 500)),
                    is_demo=True,
                )
            )
        created = Article.objects.bulk_create(rows, batch_size=BATCH)
        return [(a.pk, a.topic_id) for a in created]

    def make_questions(self, rng, prefix, topics, count, now):
        ids = []
        for start in range(0, count, BATCH):
            rows = []
            for i in range(start, min(count, start + BATCH)):
                topic = topics[rng.randrange(len(topics))]
                title = rng.choice(QUESTION_TEMPLATES).format(
                    part=rng.choice(topic.parts), activity=rng.choice(ACTIVITIES)
                )
                rows.append(
                    Question(
                        title=title,
                        slug=f"{prefix}-{i}",
                        details=rng.choice(["", "It started a few weeks ago.",
                                            "I am otherwise healthy and in my forties."]),
                        topic=topic,
                        status=Question.Status.PUBLISHED,
                        published_at=now - timedelta(minutes=rng.randint(5, 60 * 24 * 900)),
                        is_demo=True,
                    )
                )  # fmt: skip
            ids += [(q.pk, q.topic_id) for q in Question.objects.bulk_create(rows)]
        return ids

    def make_answers(self, rng, question_ids, experts, now):
        bodies = [" ".join(rng.sample(SENTENCES, 4)) for _ in range(64)]
        rendered = [render_markdown(body) for body in bodies]
        total, rows = 0, []
        for question_id, _topic in question_ids:
            for position in range(rng.randint(1, 3)):
                choice = rng.randrange(len(bodies))
                reviewed = now - timedelta(minutes=rng.randint(1, 60 * 24 * 400))
                rows.append(
                    Answer(
                        question_id=question_id,
                        expert=rng.choice(experts),
                        body=bodies[choice],
                        body_html=rendered[choice],
                        status=Answer.Status.APPROVED,
                        submitted_at=reviewed - timedelta(days=1),
                        reviewed_at=reviewed,
                        helpful_yes=rng.randint(0, 40),
                        helpful_no=rng.randint(0, 5),
                        position=position,
                        is_demo=True,
                    )
                )
            if len(rows) >= BATCH:
                Answer.objects.bulk_create(rows)
                total, rows = total + len(rows), []
        Answer.objects.bulk_create(rows)
        return total + len(rows)

    def tag_items(self, rng, question_ids, article_ids, tags):
        q_type = ContentType.objects.get_for_model(Question)
        a_type = ContentType.objects.get_for_model(Article)
        rows = []
        for content_type, ids in ((q_type, question_ids), (a_type, article_ids)):
            for object_id, _topic in ids:
                for tag in rng.sample(tags, 2):
                    rows.append(TaggedItem(content_type=content_type, object_id=object_id, tag=tag))
        TaggedItem.objects.bulk_create(rows, batch_size=BATCH)

    def make_picks(self, rng, question_ids, article_ids):
        by_topic = {}
        for article_id, topic_id in article_ids:
            by_topic.setdefault(topic_id, []).append(article_id)
        rows = []
        for question_id, topic_id in question_ids:
            candidates = by_topic.get(topic_id, [])
            if not candidates or rng.random() < 0.5:
                continue
            for position, article_id in enumerate(rng.sample(candidates, min(2, len(candidates)))):
                rows.append(
                    ContinueLearningPick(
                        question_id=question_id, article_id=article_id, position=position
                    )
                )
        ContinueLearningPick.objects.bulk_create(rows, batch_size=BATCH)
