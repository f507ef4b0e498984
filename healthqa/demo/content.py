"""What `manage.py load_demo` loads: the reference page of the spec and a small site around it.

The SEED_* texts are the reference page word for word (tests compare them with
`shared/seed/pushups-page.txt`). Everything else is made up for the demo, written to be plain and
safe, and loaded with `is_demo=True`; the fictional experts say so in their bios.
"""

import re
import textwrap

_ITEM = re.compile(r"^(#{1,6} |[-*] |\d+\. )")


def md(text):
    """Dedent a Markdown body and join the wrapped lines of each paragraph or list item."""
    blocks = []
    for block in textwrap.dedent(text).strip().split("\n\n"):
        items = []
        for line in block.splitlines():
            line = line.strip()
            if items and not _ITEM.match(line):
                items[-1] += " " + line
            else:
                items.append(line)
        blocks.append("\n".join(items))
    return "\n\n".join(blocks)


# --- The reference page (§1 of the spec) ---------------------------------------------------------

SEED_QUESTION_TITLE = "Why does my back hurt when I do push-ups?"
SEED_QUESTION_SLUG = "why-does-my-back-hurt-when-i-do-push-ups"
SEED_TOPIC_NAME = "Back Pain"
SEED_EXPERT_NAME = "National Academy of Sports Medicine"
SEED_ANSWER_BODY = (
    "Determine whether you are feeling discomfort or pain. You should never feel pain when "
    "performing any exercise. If you continue to feel pain, you should stop the exercise and seek "
    "the guidance of a medical professional. Also, reconsider the form that you are using when "
    "performing the exercise. Some individuals may excessively arch their lower back when "
    "performing exercises and this can cause discomfort in the lower back. To help with this, "
    "draw-in your belly button toward your spine and consciously contract the muscles of your "
    "abdomen. At the same time, consciously contract your butt muscles. Performing these actions "
    "while performing the push-up can help to ensure that you are activating the right muscles."
)
# The page shows it after an "Important: " label; it is also `healthqa.models.DEFAULT_DISCLAIMER`.
SEED_DISCLAIMER = (
    "This content reflects information from various individuals and organizations and may offer "
    "alternative or opposing points of view. It should not be used for medical advice, diagnosis "
    "or treatment. As always, you should consult with your healthcare provider about your "
    "specific health needs."
)

# The four "Continue Learning" articles, in the order of the page. `seed_teaser` is the teaser as
# the source site cut it (without its "...", with its no-break space after "2019"); the stored
# excerpt finishes the cut word and sentence so that our own teaser, cut near 150 characters,
# starts with exactly the same text.
SEED_ARTICLES = [
    {
        "slug": "6-simple-things-you-can-do-to-ease-back-pain-now",
        "title": "6 Simple Things You Can Do to Ease Back Pain Now",
        "seed_teaser": (
            "Chances are you’ve experienced back pain at some point in your life. In fact, in one "
            "2019\u00a0Centers for Disease Control and Prevention report, 39 percen"
        ),
        "teaser_completion": "t of adults said they had back pain in the previous three months.",
        "topic": "back-pain",
        "author": "marcus-bell",
        "medical_reviewer": "hannah-lindqvist",
        "palette": "blue",
        "days_ago": 40,
        "tags": ["back pain", "self-care", "lower back"],
        "sources": [
            {
                "title": "Back, Lower Limb, and Upper Limb Pain Among U.S. Adults, 2019",
                "kind": "web_page",
                "container": "National Center for Health Statistics (NCHS Data Brief No. 415)",
                "url": "https://www.cdc.gov/nchs/products/databriefs/db415.htm",
            },
            {
                "title": "Back pain",
                "kind": "web_page",
                "container": "NHS",
                "url": "https://www.nhs.uk/conditions/back-pain/",
            },
        ],
        "body": md(
            """
            Most back pain is not caused by anything serious, and it usually gets better on its
            own within a few weeks. While it heals, these six habits can help you stay comfortable
            and keep moving.

            1. **Keep moving.** Long bed rest tends to make stiffness worse. Gentle walking and your
               usual daily activities, at a pace you can manage, help most people recover sooner.
            2. **Use heat or cold.** A warm pack, or a cold pack wrapped in a towel, can ease
               soreness for a while. Use whichever feels better, for 15 to 20 minutes at a time.
            3. **Change position often.** If you sit for long stretches, stand up and walk around
               every 30 minutes or so.
            4. **Try gentle stretches.** Slow knee-to-chest stretches or pelvic tilts can relieve
               tension. Stop any movement that makes the pain sharper.
            5. **Check your sleeping position.** Lying on your side with a pillow between your
               knees, or on your back with a pillow under them, takes strain off your lower back.
            6. **Ask about pain relief.** A pharmacist can tell you which over-the-counter pain
               relievers are suitable for you and how to take them safely.

            Get medical help promptly if back pain follows a fall or an injury, comes with a fever,
            numbness around your buttocks or genitals, weakness in your legs, or problems
            controlling your bladder or bowels, or if it is not getting better after a few weeks.
            """
        ),
    },
    {
        "slug": "help-ease-lower-back-pain-with-this-step",
        "title": "Help Ease Lower Back Pain With This Step",
        "seed_teaser": (
            "There might be a simple approach for treating lower back pain, but you may need a "
            "spotter. It’s backward walking. Multiple studies have shown that pa"
        ),
        "teaser_completion": (
            "tients with ongoing lower back pain had less pain and moved more easily after a few "
            "weeks of regular backward walking."
        ),
        "topic": "back-pain",
        "author": "marcus-bell",
        "palette": "sea green",
        "days_ago": 48,
        "tags": ["back pain", "lower back", "walking"],
        "sources": [
            {
                "title": "Back pain",
                "kind": "web_page",
                "container": (
                    "National Institute of Arthritis and Musculoskeletal and Skin Diseases"
                ),
                "url": "https://www.niams.nih.gov/health-topics/back-pain",
            },
        ],
        "body": md(
            """
            Walking backward sounds like a party trick, but physical therapists sometimes use it
            to help people with lower back pain. Moving in reverse changes how your hips, knees and
            the muscles along your spine work, and it asks your core to keep you steady in a new
            way.

            Small studies suggest that adding short sessions of backward walking to a regular
            exercise routine may ease pain and make everyday movement easier. Researchers think it
            may gently stretch the hamstrings and strengthen the muscles that support the lower
            back.

            ## How to try it safely

            - Start on a flat, clear surface such as an empty track, a hallway or a quiet path.
            - Ask a friend to walk beside you as a spotter, or hold on to a rail, until you feel
              steady.
            - Take short, slow steps, landing on the ball of your foot before your heel.
            - Begin with two or three minutes and build up gradually.

            Don’t try backward walking on a treadmill unless a physical therapist has shown you
            how, and stop if you feel dizzy or your pain gets worse. If you have balance problems
            or a recent injury, ask your healthcare provider first.
            """
        ),
    },
    {
        "slug": "a-simple-back-pain-remedy-you-can-do-at-home",
        "title": "A Simple Back Pain Remedy You Can Do at Home",
        "seed_teaser": (
            "Bend and twist? Bad news if you have an iffy back. But there is a back pain remedy "
            "that could have you feeling fine in no time: easy yoga poses. In a"
        ),
        "teaser_completion": (
            " study, people with lower back pain who practiced gentle yoga every week had less "
            "pain and found daily tasks easier."
        ),
        "topic": "back-pain",
        "author": "marcus-bell",
        "palette": "lavender",
        "days_ago": 56,
        "tags": ["back pain", "yoga", "exercise at home"],
        "sources": [
            {
                "title": "Yoga: What You Need To Know",
                "kind": "web_page",
                "container": "National Center for Complementary and Integrative Health",
                "url": "https://www.nccih.nih.gov/health/yoga-what-you-need-to-know",
            },
        ],
        "body": md(
            """
            Yoga combines gentle movement, stretching and slow breathing. For many people with
            long-lasting lower back pain, a few simple poses done regularly can ease stiffness and
            make everyday movement more comfortable.

            You don’t need special equipment: a mat or a rug and comfortable clothes are enough.
            Try these beginner poses, holding each one for a few slow breaths:

            - **Cat–cow:** on your hands and knees, slowly round your back toward the ceiling, then
              let your belly sink as you lift your gaze.
            - **Child’s pose:** kneel, sit back toward your heels and rest your forehead on the
              floor or a cushion, arms stretched forward.
            - **Lying twist:** lie on your back, bend your knees and let them fall gently to one
              side, then the other.

            Move slowly and stay within a comfortable range. A mild stretch is normal; sharp or
            shooting pain is a signal to stop. If you are pregnant, have had recent surgery or
            have a diagnosed spine condition, ask your healthcare provider which poses suit you.
            """
        ),
    },
    {
        "slug": "ease-lower-back-pain-with-these-yoga-moves",
        "title": "Ease Lower Back Pain with These Yoga Moves",
        "seed_teaser": (
            "Want your back to feel good? Then you gotta do all the right moves. And the best "
            "moves for your back just might be yoga moves. In a study, people who"
        ),
        "teaser_completion": (
            " took a weekly yoga class for three months had less back pain than people who were "
            "given a self-care book."
        ),
        "topic": "back-pain",
        "author": "hannah-lindqvist",
        "palette": "peach",
        "days_ago": 64,
        "tags": ["back pain", "yoga", "lower back"],
        "sources": [
            {
                "title": "Yoga: What You Need To Know",
                "kind": "web_page",
                "container": "National Center for Complementary and Integrative Health",
                "url": "https://www.nccih.nih.gov/health/yoga-what-you-need-to-know",
            },
            {
                "title": "Back pain",
                "kind": "web_page",
                "container": "NHS",
                "url": "https://www.nhs.uk/conditions/back-pain/",
            },
        ],
        "body": md(
            """
            Research on yoga for lower back pain has grown over the past two decades. In one
            well-known trial, adults with long-lasting lower back pain who took a weekly yoga class
            for 12 weeks had less pain and could do more than people who were given a self-care
            book. A class built around stretching helped about as much, which suggests that
            regular, gentle movement is what matters most.

            ## Moves to start with

            - **Bridge:** lie on your back with your knees bent, then lift your hips while
              squeezing your buttocks. Lower slowly.
            - **Sphinx:** lie on your front and prop yourself up on your forearms, keeping your
              hips on the floor.
            - **Supported downward dog:** from your hands and knees, lift your hips while keeping
              your knees bent.

            Short sessions on most days work better than one long session a week. A class with a
            qualified instructor can help you learn good form, and many offer options for
            beginners or people with back pain. Stop any pose that causes sharp pain, and check
            with your healthcare provider if your pain is severe or getting worse.
            """
        ),
    },
]
SEED_ARTICLE_SLUGS = [article["slug"] for article in SEED_ARTICLES]

# Hue (degrees) and saturation of the generated article illustrations and expert portraits.
PALETTES = {
    "blue": (210, 0.45),
    "sea green": (165, 0.38),
    "lavender": (262, 0.35),
    "peach": (24, 0.55),
    "teal": (186, 0.42),
    "sage green": (105, 0.25),
    "golden": (44, 0.55),
    "rose": (345, 0.40),
    "slate blue": (228, 0.30),
    "mint": (148, 0.35),
    "coral": (8, 0.50),
    "plum": (292, 0.28),
    "sand": (36, 0.32),
}


def landscape_alt(palette):
    return f"Illustration of rolling {palette} hills under a soft sky with a low sun"


# --- People --------------------------------------------------------------------------------------

DEMO_USERS = [
    {
        "username": "editor",
        "group": "Editors",
        "first_name": "Eli",
        "last_name": "Navarro",
        "email": "editor@example.com",
    },
    {
        "username": "moderator",
        "group": "Moderators",
        "first_name": "Dana",
        "last_name": "Whitfield",
        "email": "moderator@example.com",
    },
    {
        "username": "expert",
        "group": "Experts",
        "first_name": "",
        "last_name": "",
        "email": "expert@example.com",
    },
]

TOPICS = [
    {
        "slug": "back-pain",
        "name": SEED_TOPIC_NAME,
        "description": "Why backs ache, what helps at home, and when to see a professional.",
    },
    {
        "slug": "exercise-and-fitness",
        "name": "Exercise & Fitness",
        "description": "Getting active, staying active, and exercising safely at any age.",
    },
    {
        "slug": "sleep",
        "name": "Sleep",
        "description": "How much sleep you need, and habits that help you get it.",
    },
    {
        "slug": "nutrition",
        "name": "Nutrition",
        "description": "Everyday eating and drinking for good health, without fad diets.",
    },
    {
        "slug": "heart-health",
        "name": "Heart Health",
        "description": "Blood pressure, heart rate, and the habits that keep your heart strong.",
    },
    {
        "slug": "mental-health",
        "name": "Mental Health",
        "description": "Mood, stress and emotional wellbeing, and where to find support.",
    },
    {
        "slug": "stress",
        "name": "Stress",
        "description": "Recognizing stress and practical ways to ease it.",
        "parent": "mental-health",
    },
]

FICTIONAL = "*This is a fictional expert profile created for the HealthQA demo.*"

EXPERTS = [
    {
        "slug": "national-academy-of-sports-medicine",
        "name": SEED_EXPERT_NAME,
        "kind": "organization",
        "monogram": "NASM",
        "credentials": "Professional body for certified personal trainers",
        "headline": "Education and certification for fitness professionals",
        "bio": md(
            """
            The National Academy of Sports Medicine (NASM) educates and certifies fitness
            professionals, including personal trainers and corrective exercise specialists.

            On HealthQA its answers focus on exercise technique, safe progression and avoiding
            injury.
            """
        ),
        "website": "https://www.nasm.org/",
        "specialties": ["exercise-and-fitness", "back-pain"],
        "palette": "blue",
        "user": "expert",
        "is_demo": False,
    },
    {
        "slug": "hannah-lindqvist",
        "name": "Hannah Lindqvist",
        "kind": "person",
        "monogram": "HL",
        "credentials": "MD, FACSM",
        "is_clinician": True,
        "headline": "Sports medicine physician",
        "bio": md(
            f"""
            Hannah Lindqvist is a sports medicine physician who helps people of every age and
            fitness level stay active after an injury or a long break from exercise.

            {FICTIONAL}
            """
        ),
        "specialties": ["exercise-and-fitness", "back-pain", "heart-health"],
        "palette": "teal",
    },
    {
        "slug": "marcus-bell",
        "name": "Marcus Bell",
        "kind": "person",
        "monogram": "MB",
        "credentials": "PT, DPT",
        "is_clinician": True,
        "headline": "Physical therapist specializing in back and neck pain",
        "bio": md(
            f"""
            Marcus Bell is a doctor of physical therapy. He works with people who have back and
            neck pain and likes exercises that fit into a busy day.

            {FICTIONAL}
            """
        ),
        "specialties": ["back-pain", "exercise-and-fitness"],
        "palette": "golden",
    },
    {
        "slug": "priya-raman",
        "name": "Priya Raman",
        "kind": "person",
        "monogram": "PR",
        "credentials": "MS, RD",
        "headline": "Registered dietitian",
        "bio": md(
            f"""
            Priya Raman is a registered dietitian who helps families plan simple, affordable meals
            and make small changes that last.

            {FICTIONAL}
            """
        ),
        "specialties": ["nutrition", "heart-health"],
        "palette": "coral",
    },
    {
        "slug": "samuel-ortega",
        "name": "Samuel Ortega",
        "kind": "person",
        "monogram": "SO",
        "credentials": "MD, FACC",
        "is_clinician": True,
        "headline": "Cardiologist",
        "bio": md(
            f"""
            Samuel Ortega is a cardiologist with a special interest in preventing heart disease
            through everyday habits: moving more, eating well and knowing your numbers.

            {FICTIONAL}
            """
        ),
        "specialties": ["heart-health"],
        "palette": "rose",
    },
    {
        "slug": "naomi-fischer",
        "name": "Naomi Fischer",
        "kind": "person",
        "monogram": "NF",
        "credentials": "PhD",
        "headline": "Clinical psychologist",
        "bio": md(
            f"""
            Naomi Fischer is a clinical psychologist. She works with adults living with stress,
            low mood and sleep problems.

            {FICTIONAL}
            """
        ),
        "specialties": ["mental-health", "stress", "sleep"],
        "palette": "plum",
    },
    {
        "slug": "harbor-sleep-health-alliance",
        "name": "Harbor Sleep Health Alliance",
        "kind": "organization",
        "monogram": "HSHA",
        "credentials": "Nonprofit sleep education network",
        "headline": "Plain-language guidance for better sleep",
        "bio": md(
            """
            Harbor Sleep Health Alliance is a network of sleep clinicians and educators who write
            practical, plain-language guidance about sleep.

            *This is a fictional organization created for the HealthQA demo.*
            """
        ),
        "specialties": ["sleep"],
        "palette": "slate blue",
    },
]


# --- Questions and answers -----------------------------------------------------------------------

# `status` of a question: "published" (published through `Question.publish`), "draft" or
# "submitted". `status` of an answer: "approved" (submitted, then approved by the moderator) or
# "pending" (submitted only). Both apply when the row is first created; later runs leave states
# alone.
QUESTIONS = [
    {
        "slug": SEED_QUESTION_SLUG,
        "title": SEED_QUESTION_TITLE,
        "topic": "back-pain",
        "tags": ["push-ups", "back pain", "exercise form"],
        "status": "published",
        "days_ago": 3,
        "featured": True,
        "is_demo": False,
        "picks": SEED_ARTICLE_SLUGS,
        "answers": [
            {
                "expert": "national-academy-of-sports-medicine",
                "status": "approved",
                "body": SEED_ANSWER_BODY,
                "is_demo": False,
            },
        ],
    },
    {
        "slug": "should-i-use-heat-or-ice-for-a-sore-lower-back",
        "title": "Should I use heat or ice for a sore lower back?",
        "topic": "back-pain",
        "tags": ["back pain", "lower back", "self-care"],
        "status": "published",
        "days_ago": 5,
        "details": "I strained my back gardening yesterday. Which one should I reach for?",
        "answers": [
            {
                "expert": "hannah-lindqvist",
                "status": "approved",
                "body": md(
                    """
                    Either can help, and research has not found a clear winner for everyday back
                    strain. Many people find that cold feels better in the first day or two, when
                    the area feels hot or swollen, and that heat feels better later, when the
                    muscles are tight and stiff.

                    Whichever you choose, protect your skin. Wrap an ice pack or a bag of frozen
                    peas in a thin towel, keep a heat pack warm rather than hot, and limit each
                    session to 15 to 20 minutes. Don’t fall asleep on a heating pad.

                    Heat and cold ease symptoms, but movement speeds recovery. Gentle walking and
                    staying as active as you comfortably can usually help the most.
                    """
                ),
            },
            {
                "expert": "marcus-bell",
                "status": "approved",
                "body": md(
                    """
                    A practical rule from physical therapy: heat before activity, cold after it. A
                    warm shower or a heat pack for 15 minutes can loosen stiff muscles so that
                    stretching and walking feel easier. If your back aches after you have been
                    active, a wrapped cold pack can calm it down.

                    If you have reduced feeling in your skin, diabetes or poor circulation, check
                    with your healthcare provider before using heat or cold, because you may not
                    notice when it is too hot or too cold.
                    """
                ),
            },
        ],
    },
    {
        "slug": "how-can-i-lift-heavy-boxes-without-hurting-my-back",
        "title": "How can I lift heavy boxes without hurting my back?",
        "topic": "back-pain",
        "tags": ["back pain", "lifting", "injury prevention"],
        "status": "published",
        "days_ago": 9,
        "answers": [
            {
                "expert": "marcus-bell",
                "status": "approved",
                "body": md(
                    """
                    Plan the lift before you start, and clear a path to where the box is going.

                    1. Test the weight by tipping one corner. If it is too heavy, split the load
                       or ask for help.
                    2. Stand close to the box with your feet about hip-width apart.
                    3. Bend at your hips and knees, keep your back in a comfortable, natural
                       position and get a firm grip.
                    4. Lift smoothly by straightening your legs, holding the box close to your
                       body.
                    5. Turn by moving your feet rather than twisting your back.

                    Put the box down the same way. Regular strength training for your legs, hips
                    and core makes everyday lifting easier, too.
                    """
                ),
            },
        ],
    },
    {
        "slug": "can-sitting-at-a-desk-all-day-cause-back-pain",
        "title": "Can sitting at a desk all day cause back pain?",
        "topic": "back-pain",
        "tags": ["back pain", "posture", "work"],
        "status": "published",
        "days_ago": 12,
        "answers": [
            {
                "expert": "marcus-bell",
                "status": "approved",
                "body": md(
                    """
                    Sitting itself is not harmful, but staying in one position for hours can leave
                    your back stiff and sore. The best posture is your next posture, so change
                    position often.

                    - Set your chair so your feet rest flat on the floor and your knees are about
                      level with your hips.
                    - Keep your screen at about eye level and an arm’s length away.
                    - Stand up, walk or stretch for a minute or two every 30 to 60 minutes.

                    Regular activity outside work, such as walking, swimming or cycling, also
                    keeps your back strong and comfortable.
                    """
                ),
            },
            {
                "expert": "hannah-lindqvist",
                "status": "pending",
                "body": md(
                    """
                    Long periods of sitting are linked with stiffness and lower back discomfort,
                    but the bigger health issue is being inactive for most of the day. Breaking up
                    sitting time with short walks helps your back, your heart and your blood sugar.

                    If back pain at work lasts more than a few weeks, or pain spreads down a leg,
                    see your healthcare provider.
                    """
                ),
            },
        ],
    },
    {
        "slug": "how-much-exercise-do-adults-need-each-week",
        "title": "How much exercise do adults need each week?",
        "topic": "exercise-and-fitness",
        "tags": ["physical activity", "guidelines", "strength training"],
        "status": "published",
        "days_ago": 7,
        "featured": True,
        "answers": [
            {
                "expert": "hannah-lindqvist",
                "status": "approved",
                "body": md(
                    """
                    The World Health Organization recommends that adults get at least 150 to 300
                    minutes of moderate activity a week, such as brisk walking, or 75 to 150
                    minutes of vigorous activity, such as running, or a mix of the two [1]. On top
                    of that, do muscle-strengthening activities that work all the major muscle
                    groups on two or more days a week [2].

                    That can sound like a lot, but it adds up to about 30 minutes on five days.
                    Short bouts count, and some activity is always better than none. If you have
                    been inactive, start small and build up over a few weeks.

                    If you have a heart condition, chest pain with exertion or another ongoing
                    health problem, talk with your healthcare provider about the right level for
                    you.
                    """
                ),
                # Approved first with a mistake, then corrected through a reviewed revision.
                "first_body_error": ("on two or more days a week [2]", "on one day a week [2]"),
                "correction": (
                    "An earlier version said muscle-strengthening activities were recommended on "
                    "one day a week. The recommendation is two or more days a week."
                ),
                "sources": [
                    {
                        "kind": "journal_article",
                        "title": "World Health Organization 2020 guidelines on physical activity "
                        "and sedentary behaviour",
                        "authors": "Bull FC, Al-Ansari SS, Biddle S, et al.",
                        "container": "British Journal of Sports Medicine",
                        "year": 2020,
                        "doi": "10.1136/bjsports-2020-102955",
                        "pmid": "33239350",
                    },
                    {
                        "kind": "guideline",
                        "title": "WHO guidelines on physical activity and sedentary behaviour",
                        "authors": "World Health Organization",
                        "container": "World Health Organization",
                        "year": 2020,
                        "url": "https://www.who.int/publications/i/item/9789240015128",
                        "accessed_on": "2026-11-02",
                    },
                ],
            },
        ],
    },
    {
        "slug": "do-i-need-to-stretch-before-a-workout",
        "title": "Do I need to stretch before a workout?",
        "topic": "exercise-and-fitness",
        "tags": ["warm-up", "stretching", "injury prevention"],
        "status": "published",
        "days_ago": 15,
        "answers": [
            {
                "expert": "hannah-lindqvist",
                "status": "approved",
                "body": md(
                    """
                    A warm-up matters more than stretching. Five to ten minutes of light activity
                    that resembles your workout, such as brisk walking before a run, raises your
                    heart rate and prepares your muscles and joints.

                    Long, held stretches right before fast or powerful exercise are not needed for
                    most people and can briefly reduce power. Save longer stretching for after
                    your workout, when your muscles are warm.
                    """
                ),
            },
            {
                "expert": "marcus-bell",
                "status": "approved",
                "body": md(
                    """
                    Moving stretches are a good way to finish a warm-up: leg swings, arm circles
                    and walking lunges take your joints through the range you are about to use.

                    If a physical therapist has given you specific stretches for a tight area,
                    keep doing them as planned.
                    """
                ),
            },
        ],
    },
    {
        "slug": "how-many-hours-of-sleep-do-adults-need",
        "title": "How many hours of sleep do adults need?",
        "topic": "sleep",
        "tags": ["sleep", "sleep habits"],
        "status": "published",
        "days_ago": 10,
        "answers": [
            {
                "expert": "harbor-sleep-health-alliance",
                "status": "approved",
                "body": md(
                    """
                    Most adults need at least seven hours of sleep a night on a regular basis.
                    Some people need a little more, and needs change with age, illness and
                    activity.

                    A good sign you are getting enough is waking up refreshed and staying alert
                    through the day without relying on caffeine. Keeping the same wake-up time
                    every day, weekends included, helps your body clock.

                    If you snore loudly, stop breathing or gasp in your sleep, or feel very sleepy
                    during the day even after enough time in bed, talk with your healthcare
                    provider.
                    """
                ),
            },
        ],
    },
    {
        "slug": "is-it-bad-to-look-at-my-phone-before-bed",
        "title": "Is it bad to look at my phone before bed?",
        "topic": "sleep",
        "tags": ["sleep", "screens", "sleep habits"],
        "status": "published",
        "days_ago": 18,
        "answers": [
            {
                "expert": "harbor-sleep-health-alliance",
                "status": "approved",
                "body": md(
                    """
                    Screens can make it harder to fall asleep in two ways. Bright light in the
                    evening can delay the body’s release of melatonin, the hormone that helps you
                    feel sleepy, and messages, news and games keep your mind alert.

                    Try putting devices away 30 to 60 minutes before bed and charging your phone
                    outside the bedroom. If you use it as an alarm, a simple alarm clock is a good
                    swap.
                    """
                ),
            },
            {
                "expert": "naomi-fischer",
                "status": "approved",
                "body": md(
                    """
                    What you do on the phone matters as much as the light. Reading the news or
                    work email can raise stress just as you are trying to wind down.

                    If you do use your phone at night, choose calm content, turn on a night mode
                    and set a reminder to stop at a fixed time.
                    """
                ),
            },
        ],
    },
    {
        "slug": "what-is-a-healthy-breakfast-if-im-always-in-a-hurry",
        "title": "What is a healthy breakfast if I’m always in a hurry?",
        "topic": "nutrition",
        "tags": ["breakfast", "healthy eating", "meal planning"],
        "status": "published",
        "days_ago": 21,
        "answers": [
            {
                "expert": "priya-raman",
                "status": "approved",
                "body": md(
                    """
                    Breakfast doesn’t have to be cooked to be balanced. Aim to combine some
                    protein, some fiber and some fruit or vegetables. A few quick ideas:

                    - Overnight oats made with milk or yogurt, topped with berries.
                    - Whole-grain toast with peanut butter and a banana.
                    - Plain yogurt with fruit and a handful of nuts.
                    - A hard-boiled egg, cooked the night before, with an apple.

                    Getting things ready the evening before is the easiest way to make a good
                    breakfast a habit.
                    """
                ),
            },
        ],
    },
    {
        "slug": "how-much-water-should-i-drink-in-a-day",
        "title": "How much water should I drink in a day?",
        "topic": "nutrition",
        "tags": ["hydration", "healthy eating"],
        "status": "published",
        "days_ago": 24,
        "answers": [
            {
                "expert": "priya-raman",
                "status": "approved",
                "body": md(
                    """
                    There is no single number that suits everyone: needs depend on your size,
                    how active you are, the weather and your health. For most healthy adults,
                    drinking when you are thirsty and having pale yellow urine are good guides.

                    Water is the best choice, but milk, tea and coffee count too, and food
                    provides some of your fluid. Drink more when it is hot, when you exercise or
                    when you have a fever.

                    Some conditions, such as heart failure or kidney disease, call for a limit on
                    fluids. If you have one, follow the advice of your healthcare provider.
                    """
                ),
            },
        ],
    },
    {
        "slug": "what-is-a-normal-resting-heart-rate",
        "title": "What is a normal resting heart rate?",
        "topic": "heart-health",
        "tags": ["heart rate", "heart health"],
        "status": "published",
        "days_ago": 27,
        "answers": [
            {
                "expert": "samuel-ortega",
                "status": "approved",
                "body": md(
                    """
                    For most adults a resting heart rate between 60 and 100 beats per minute is
                    normal. People who are very fit often have a lower rate, sometimes in the
                    40s or 50s.

                    To check yours, sit quietly for five minutes, then count your pulse at your
                    wrist for 30 seconds and double the number.

                    See your healthcare provider if your resting rate is often above 100, or below
                    60 together with dizziness, fainting or shortness of breath. Chest pain, or a
                    racing heartbeat with fainting, needs emergency care.
                    """
                ),
            },
        ],
    },
    {
        "slug": "can-walking-really-lower-my-blood-pressure",
        "title": "Can walking really lower my blood pressure?",
        "topic": "heart-health",
        "tags": ["blood pressure", "walking", "heart health"],
        "status": "published",
        "days_ago": 30,
        "answers": [
            {
                "expert": "samuel-ortega",
                "status": "approved",
                "body": md(
                    """
                    Yes. Regular aerobic activity such as brisk walking can lower blood pressure
                    by a few points, which makes a real difference to the risk of heart disease
                    and stroke. Aim for about 30 minutes on most days.

                    Walking works best together with other habits: less salt, a healthy weight
                    and less alcohol. If you take blood pressure medicine, keep taking it unless
                    your healthcare provider tells you otherwise.
                    """
                ),
            },
            {
                "expert": "hannah-lindqvist",
                "status": "approved",
                "body": md(
                    """
                    “Brisk” means you can still talk, but you couldn’t sing. If 30 minutes feels
                    like too much, start with 10 minutes once or twice a day and add a few minutes
                    each week.
                    """
                ),
            },
        ],
    },
    {
        "slug": "what-can-i-do-when-stress-keeps-me-awake-at-night",
        "title": "What can I do when stress keeps me awake at night?",
        "topic": "stress",
        "tags": ["stress", "sleep", "relaxation"],
        "status": "published",
        "days_ago": 33,
        "answers": [
            {
                "expert": "naomi-fischer",
                "status": "approved",
                "body": md(
                    """
                    Racing thoughts at bedtime are very common. A few things that often help:

                    - Set aside ten minutes earlier in the evening to write down what is on your
                      mind and one small next step for each worry.
                    - Keep a short, calm routine before bed, such as a warm shower and reading.
                    - Breathe slowly: in through your nose for a count of four, out for six.
                    - If you are still awake after about 20 minutes, get up and do something
                      quiet in dim light, then go back to bed when you feel sleepy.

                    If stress or poor sleep lasts for several weeks or gets in the way of daily
                    life, talk with your healthcare provider. Cognitive behavioral therapy for
                    insomnia is an effective treatment.
                    """
                ),
            },
        ],
    },
    {
        "slug": "how-can-i-tell-if-im-sad-or-depressed",
        "title": "How can I tell if I’m sad or depressed?",
        "topic": "mental-health",
        "tags": ["depression", "mood"],
        "status": "published",
        "days_ago": 36,
        "answers": [
            {
                "expert": "naomi-fischer",
                "status": "approved",
                "body": md(
                    """
                    Sadness is a normal reaction to loss, disappointment or hard times, and it
                    usually eases over days or weeks. Depression is a health condition: a low mood
                    or a loss of interest in things you usually enjoy that lasts most of the day,
                    nearly every day, for at least two weeks. It often comes with changes in
                    sleep, appetite, energy or concentration.

                    Depression is common and treatable. If this sounds like you, talk with your
                    healthcare provider.

                    If you ever have thoughts of harming yourself, contact emergency services or
                    a crisis line right away. In the United States you can call or text 988.
                    """
                ),
            },
        ],
    },
    {
        "slug": "are-standing-desks-better-for-your-back",
        "title": "Are standing desks better for your back?",
        "topic": "back-pain",
        "tags": ["back pain", "posture", "work"],
        "status": "draft",
        "answers": [],
    },
    {
        "slug": "why-do-my-knees-click-when-i-climb-stairs",
        "title": "Why do my knees click when I climb stairs?",
        "topic": None,
        "tags": [],
        "status": "submitted",
        "details": (
            "I’m 34 and my knees make a clicking sound on the stairs. It doesn’t hurt. "
            "Should I be worried?"
        ),
        "submitted_by_name": "Jordan",
        "submitted_by_email": "jordan@example.com",
        "answers": [],
    },
]

# An editor has asked an expert to answer the draft question.
ASSIGNMENTS = [
    {
        "question": "are-standing-desks-better-for-your-back",
        "expert": "marcus-bell",
        "due_in_days": 7,
        "note": "A short, practical answer, please: who benefits and how to set one up.",
    },
]

# A reader's report, so that the flags queue has something in it.
FLAGS = [
    {
        "question": "how-much-exercise-do-adults-need-each-week",
        "expert": "hannah-lindqvist",
        "reason": "other",
        "details": "Could you add examples for people who use a wheelchair?",
    },
]


# --- Articles ------------------------------------------------------------------------------------

ARTICLES = [
    {
        **article,
        "excerpt": article["seed_teaser"] + article["teaser_completion"],
    }
    for article in SEED_ARTICLES
] + [
    {
        "slug": "desk-stretches-to-ease-a-stiff-back",
        "title": "Desk Stretches to Ease a Stiff Back",
        "excerpt": "Five gentle stretches you can do at your desk in a few minutes, no equipment "
        "or changing room needed.",
        "topic": "back-pain",
        "author": "marcus-bell",
        "palette": "sage green",
        "days_ago": 8,
        "tags": ["back pain", "stretching", "work"],
        "sources": [
            {
                "title": "Back pain",
                "kind": "web_page",
                "container": "NHS",
                "url": "https://www.nhs.uk/conditions/back-pain/",
            },
        ],
        "body": md(
            """
            Sitting still for hours can leave your back feeling tight. These stretches take a few
            minutes and can be done in your chair. Move slowly, breathe normally and stop if
            anything hurts.

            1. **Seated cat–cow:** with your hands on your knees, round your back, then gently
               arch it, five times.
            2. **Seated twist:** sit tall, place your right hand on your left knee and turn gently
               to the left. Hold for three breaths, then switch sides.
            3. **Side reach:** raise one arm overhead and lean gently to the opposite side. Repeat
               on the other side.
            4. **Shoulder rolls:** roll your shoulders backward ten times to loosen your upper
               back.
            5. **Stand and walk:** the simplest stretch of all is to get up and walk for a minute
               or two.

            Set a reminder to move every 30 to 60 minutes. If your back pain lasts more than a few
            weeks, see your healthcare provider.
            """
        ),
    },
    {
        "slug": "a-beginners-guide-to-strength-training",
        "title": "A Beginner’s Guide to Strength Training",
        "excerpt": "Working your muscles twice a week keeps your bones strong, supports your "
        "joints and makes everyday tasks easier. Here is how to start safely.",
        "topic": "exercise-and-fitness",
        "author": "hannah-lindqvist",
        "palette": "teal",
        "days_ago": 14,
        "tags": ["strength training", "physical activity", "guidelines"],
        "sources": [
            {
                "title": "Physical activity",
                "kind": "web_page",
                "container": "World Health Organization",
                "url": "https://www.who.int/news-room/fact-sheets/detail/physical-activity",
            },
        ],
        "body": md(
            """
            Strength training is not only for athletes. Adults are advised to do
            muscle-strengthening activities that work all the major muscle groups on at least two
            days a week, alongside regular aerobic activity.

            ## Getting started

            - Begin with your own body weight: wall push-ups, sit-to-stand from a chair, and
              step-ups on a low step.
            - Choose a weight or a variation you can lift 8 to 12 times with good form. The last
              few repetitions should feel hard but not strained.
            - Work each muscle group once or twice, then rest it for at least a day.
            - Breathe out as you lift and don’t hold your breath.

            Good form matters more than heavy weights. A qualified trainer or physical therapist
            can check your technique. If you have a heart condition, high blood pressure or a
            recent injury, ask your healthcare provider which exercises are right for you.
            """
        ),
    },
    {
        "slug": "walking-for-heart-health-how-to-get-started",
        "title": "Walking for Heart Health: How to Get Started",
        "excerpt": "Walking is free, needs no equipment and is one of the best things you can do "
        "for your heart. Here is a simple plan to build the habit.",
        "topic": "heart-health",
        "author": "samuel-ortega",
        "palette": "rose",
        "days_ago": 19,
        "tags": ["walking", "heart health", "blood pressure"],
        "sources": [
            {
                "title": "Hypertension",
                "kind": "web_page",
                "container": "World Health Organization",
                "url": "https://www.who.int/news-room/fact-sheets/detail/hypertension",
            },
        ],
        "body": md(
            """
            Regular brisk walking strengthens your heart, helps control blood pressure and
            cholesterol, and lifts your mood. You don’t need a gym or special kit: comfortable
            shoes are enough.

            ## A four-week plan

            - **Week 1:** walk for 10 minutes on five days.
            - **Week 2:** walk for 15 minutes, picking up the pace for the middle five.
            - **Week 3:** walk for 20 to 25 minutes at a brisk pace.
            - **Week 4:** walk for 30 minutes on most days.

            Brisk means you can talk but not sing. Walking with a friend, or at the same time
            each day, makes it easier to keep going.

            If you feel chest pain, severe breathlessness or dizziness while walking, stop and
            seek medical help.
            """
        ),
    },
    {
        "slug": "build-a-wind-down-routine-for-better-sleep",
        "title": "Build a Wind-Down Routine for Better Sleep",
        "excerpt": "A calm half hour before bed tells your body it is time to sleep. Here is how "
        "to build a routine that works for you.",
        "topic": "sleep",
        "author": "harbor-sleep-health-alliance",
        "palette": "slate blue",
        "days_ago": 22,
        "tags": ["sleep", "sleep habits", "relaxation"],
        "sources": [
            {
                "title": "Sleep",
                "kind": "web_page",
                "container": "Centers for Disease Control and Prevention",
                "url": "https://www.cdc.gov/sleep/",
            },
        ],
        "body": md(
            """
            Your body likes routine. Doing the same calm things in the same order each night
            helps your brain recognize that sleep is coming.

            ## Ideas for your routine

            - Dim the lights and put screens away 30 to 60 minutes before bed.
            - Take a warm shower or bath.
            - Read a paper book, listen to quiet music or do some gentle stretches.
            - Write down tomorrow’s to-do list so it doesn’t run through your head.

            Keep your bedroom cool, dark and quiet, and get up at the same time every day, even
            after a poor night. Avoid caffeine in the afternoon and large meals late in the
            evening.

            If you still struggle to sleep most nights for more than a few weeks, talk with your
            healthcare provider.
            """
        ),
    },
    {
        "slug": "simple-swaps-for-a-heart-healthy-plate",
        "title": "Simple Swaps for a Heart-Healthy Plate",
        "excerpt": "Small changes to what you already eat can add up to a healthier heart. Try "
        "one or two of these easy swaps this week.",
        "topic": "nutrition",
        "author": "priya-raman",
        "palette": "coral",
        "days_ago": 26,
        "tags": ["healthy eating", "heart health", "salt"],
        "sources": [
            {
                "title": "Healthy diet",
                "kind": "web_page",
                "container": "World Health Organization",
                "url": "https://www.who.int/news-room/fact-sheets/detail/healthy-diet",
            },
        ],
        "body": md(
            """
            You don’t need a new diet to eat for your heart. Swapping a few everyday foods is
            easier to keep up, and the changes add up.

            - Swap white bread and rice for whole-grain versions.
            - Swap salty snacks for unsalted nuts or fruit.
            - Flavor food with herbs, spices, garlic or lemon instead of extra salt.
            - Cook with vegetable oils such as olive or canola oil instead of butter.
            - Choose water or unsweetened drinks instead of sugary ones.
            - Add an extra portion of vegetables or beans to soups, stews and sauces.

            Pick one or two swaps to start with. When they feel normal, add another.
            """
        ),
    },
    {
        "slug": "staying-hydrated-when-you-exercise",
        "title": "Staying Hydrated When You Exercise",
        "excerpt": "How much to drink before, during and after exercise, and when a sports drink "
        "is worth it.",
        "topic": "nutrition",
        "author": "priya-raman",
        "palette": "mint",
        "days_ago": 29,
        "tags": ["hydration", "physical activity"],
        "sources": [],
        "body": md(
            """
            Your body loses water through sweat when you exercise, more so in hot or humid
            weather. Losing too much can make you tired, dizzy or prone to cramps.

            ## Simple guidelines

            - Have a drink of water in the couple of hours before you exercise.
            - During exercise, sip water regularly, especially on hot days.
            - Afterwards, drink to thirst and check that your urine is pale yellow.

            For most workouts under an hour, water is all you need. Sports drinks can help during
            long or very intense sessions, but they contain sugar, so they aren’t needed for
            everyday exercise.

            Drinking far more than you need can also be harmful, so let thirst guide you.
            """
        ),
    },
    {
        "slug": "three-breathing-exercises-to-calm-stress",
        "title": "Three Breathing Exercises to Calm Stress",
        "excerpt": "Slow breathing is a quick, free way to calm your body when stress builds up. "
        "Try these three simple techniques.",
        "topic": "stress",
        "author": "naomi-fischer",
        "palette": "plum",
        "days_ago": 32,
        "tags": ["stress", "relaxation", "breathing"],
        "sources": [],
        "body": md(
            """
            When you feel stressed, your breathing often becomes fast and shallow. Slowing it
            down on purpose can help your body settle. Sit or lie comfortably before you start.

            1. **Longer out-breath:** breathe in through your nose for a count of four and out
               through your mouth for a count of six. Repeat for two to three minutes.
            2. **Belly breathing:** put one hand on your chest and one on your belly. Breathe so
               that the hand on your belly rises more than the one on your chest.
            3. **Box breathing:** breathe in for four, hold for four, breathe out for four, hold
               for four.

            If you feel light-headed, return to normal breathing. Breathing exercises are a useful
            tool, but if stress is affecting your daily life, talk with your healthcare provider.
            """
        ),
    },
    {
        "slug": "how-sleep-affects-your-mood",
        "title": "How Sleep Affects Your Mood",
        "excerpt": "A bad night can leave you irritable and low, and ongoing sleep problems are "
        "linked with anxiety and depression. Here is what helps.",
        "topic": "mental-health",
        "author": "naomi-fischer",
        "palette": "golden",
        "days_ago": 35,
        "tags": ["sleep", "mood", "depression"],
        "sources": [
            {
                "title": "Depressive disorder (depression)",
                "kind": "web_page",
                "container": "World Health Organization",
                "url": "https://www.who.int/news-room/fact-sheets/detail/depression",
            },
        ],
        "body": md(
            """
            Most of us notice that a poor night’s sleep makes the next day harder: small problems
            feel bigger and patience runs short. Over time, sleep problems and low mood can feed
            each other.

            Protecting your sleep is one of the kindest things you can do for your mental health.
            Keep regular sleep and wake times, get outside in daylight in the morning, and give
            yourself time to wind down in the evening.

            If low mood or sleep problems last for more than two weeks, talk with your healthcare
            provider. Both are common and both can be treated.
            """
        ),
    },
    {
        "slug": "getting-back-to-exercise-after-a-break",
        "title": "Getting Back to Exercise After a Break",
        "excerpt": "Returning to exercise after an illness, an injury or a busy spell? Start "
        "lower than you think and build up step by step.",
        "topic": "exercise-and-fitness",
        "author": "marcus-bell",
        "palette": "sand",
        "scheduled_in_days": 14,
        "tags": ["physical activity", "injury prevention"],
        "sources": [],
        "body": md(
            """
            After a few weeks off, your fitness drops more than you might expect, and trying to
            pick up where you left off is a common cause of injury.

            - Start at about half of your old time or distance.
            - Increase by no more than about ten percent a week.
            - Leave a rest day between harder sessions.
            - Expect some muscle soreness for a day or two, but not sharp pain.

            If you are returning after an injury or an illness, ask your healthcare provider or
            physical therapist when and how to start again.
            """
        ),
    },
]

AD_PLACEMENT = {
    "name": "House ad: Continue learning articles",
    "slot": "question_page",
    "image_alt": "Continue learning: plain-language health articles, reviewed by experts. "
    "Browse articles.",
    "palette": "teal",
}
