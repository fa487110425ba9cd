"""Triage: levels, quoted reasons, context (negation, past, hypothetical), crisis, speed."""

from __future__ import annotations

import time

import pytest

from medcite.models import TriageLevel
from medcite.settings import Settings
from medcite.triage import Context, triage
from medcite.triage_eval import default_sets, load_set

E, U, R, S, N = (TriageLevel.EMERGENCY, TriageLevel.URGENT, TriageLevel.ROUTINE,
                 TriageLevel.SELF_CARE, TriageLevel.NONE)


def test_mother_having_a_seizure_now_is_an_emergency_quoting_seizure():
    result = triage("My mother takes magnesium and is having a seizure right now")
    assert result.level is E
    assert any(f.quote == "seizure" for f in result.reasons)
    assert result.message.startswith("Call 911")


def test_seizure_years_ago_with_a_food_question_is_not_an_emergency():
    result = triage("I had a seizure years ago, what foods have magnesium?")
    assert result.level is not E
    assert result.level is N


@pytest.mark.parametrize("message, level", [
    ("no chest pain, no shortness of breath, what is a normal heart rate?", N),
    ("Patient denies chest pain, dyspnea or syncope", N),
    ("I have a mild cough without any trouble breathing", S),
    ("I do not have a fever but my throat is sore", S),
    ("chest pain and sweating, no fever", E),
])
def test_negation(message, level):
    assert triage(message).level is level


@pytest.mark.parametrize("message", [
    "I had a stroke in 2019. What foods lower cholesterol?",
    "history of seizures as a teenager, is caffeine ok?",
    "my father had a heart attack last year and is doing well now",
    "I used to faint a lot when I was young",
    "I was suicidal years ago and got help; how can I support a friend?",
])
def test_past_events_are_not_current_emergencies(message):
    result = triage(message)
    assert result.level is not E
    assert not result.crisis


@pytest.mark.parametrize("message", [
    "what are the signs of a stroke?",
    "What should you do if someone is having a seizure",
    "If someone can't breathe, should I start CPR?",
    "Can low magnesium cause seizures?",
    "how do you recognise anaphylaxis in children",
])
def test_information_questions_are_none(message):
    assert triage(message).level is N


@pytest.mark.parametrize("message, quote", [
    ("my son is having a siezure", "siezure"),
    ("i cant breath", "cant breath"),
    ("my husband suddenly has slurred speech", "slurred speech"),
    ("Grandma collapsed and isn't responding", "collapsed"),
    ("heart racing and I passed out", "heart racing and I passed out"),
    ("took about 40 pills an hour ago", "took about 40 pills"),
])
def test_lay_phrasing_and_misspellings_are_emergencies(message, quote):
    result = triage(message)
    assert result.level is E
    assert result.reasons[0].quote == quote


def test_a_current_problem_after_a_past_one_still_counts():
    result = triage("I had a seizure years ago. Now my son is having a seizure.")
    assert result.level is E
    assert result.reasons[0].start > len("I had a seizure years ago.")


def test_reasons_quote_the_message_exactly_on_the_whole_test_set():
    for path in default_sets().values():
        for row in load_set(path):
            for f in triage(row["text"]).reasons:
                assert row["text"][f.start:f.end] == f.quote, row["id"]


def test_combination_rules_quote_both_parts():
    result = triage("crushing chest pain and I'm sweating")
    assert result.level is E
    assert result.reasons[0].quote == "chest pain and I'm sweating"


def test_chest_pain_alone_is_urgent_and_muscle_soreness_is_self_care():
    assert triage("I have chest pain since this morning").level is U
    assert triage("my chest is sore after push ups yesterday").level is S


@pytest.mark.parametrize("message, level, quote", [
    ("my 6 week old has a temperature of 38.1", E, "6 week old has a temperature"),
    ("I'm 20 weeks pregnant and have a fever", U, None),
    ("I'm on warfarin and my cut keeps bleeding", U, None),
])
def test_modifiers_combine_with_signs(message, level, quote):
    result = triage(message)
    assert result.level is level
    if quote:
        assert result.reasons[0].quote == quote


def test_a_modifier_raises_a_routine_finding_and_says_why():
    assert triage("this new pill is giving me a rash").level is R
    raised = triage("I'm pregnant and this new pill is giving me a rash")
    assert raised.level is U
    assert raised.reasons[0].quote == "pregnant"
    assert "pregnancy" in raised.reasons[0].finding


def test_persistent_symptoms_are_routine_and_fresh_minor_ones_self_care():
    assert triage("I've had a cough for four weeks").level is R
    assert triage("runny nose since yesterday").level is S


@pytest.mark.parametrize("message", [
    "i want to kill myself", "kms", "no reason to live anymore", "I want to end my life",
])
def test_crisis_language_puts_the_crisis_line_first(message):
    result = triage(message)
    assert result.crisis and result.level is E
    assert result.message.startswith("988")
    assert result.reasons[0].finding.startswith("crisis")


def test_numbers_come_from_settings():
    local = Settings(emergency_number="112", crisis_line="116 123")
    crisis = triage("I want to die", local)
    assert crisis.message.startswith("116 123") and "112" in crisis.message
    assert "911" not in crisis.message
    assert triage("my dad is not breathing", local).message.startswith("Call 112")


def test_odd_input_never_raises():
    assert triage("").level is N
    assert triage("   \n\n ??? ").level is N
    long = "I feel fine today. " * 500 + "Now my chest hurts and I am sweating."
    assert triage(long).level is E


def test_context_scopes_mentions():
    ctx = Context("No chest pain. My son is having a seizure.")
    assert not ctx.is_current(3, 13)
    assert ctx.is_current(32, 39)


def test_to_dict_has_the_json_keys():
    data = triage("my baby's lips look blue").to_dict()
    assert data["level"] == "emergency"
    assert set(data) >= {"level", "reasons", "message", "crisis"}
    assert data["reasons"][0]["quote"] == "lips look blue"


def test_triage_costs_under_5_ms_at_p95():
    rows = [row for path in default_sets().values() for row in load_set(path)]
    triage("warm up")  # rules compile once per process
    cpu = []
    for row in rows:
        start = time.thread_time()
        triage(row["text"])
        cpu.append(time.thread_time() - start)
    cpu.sort()
    assert cpu[int(len(cpu) * 0.95)] * 1000 < 5.0


@pytest.mark.parametrize("message, level", [
    ("had chest pain last week that went away, should I see a doctor", R),
    ("My son had a seizure that stopped, now he has a runny nose", U),
    ("nosebleed that stopped after 5 minutes of pinching", S),
])
def test_settled_red_flags_still_get_a_check(message, level):
    result = triage(message)
    assert result.level is level
    assert "(has settled)" in result.reasons[0].finding


def test_passed_out_is_not_read_as_settled():
    assert triage("heart racing and I passed out").level is E


def _jsonl(path):
    import json

    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def test_real_consumer_messages_are_rarely_emergencies():
    # 52 real TREC LiveQA-2017 messages, read at run time (not labelled for triage): almost all
    # are information questions. 3 are emergencies today (coffee-ground vomit, 25 iron pills,
    # and one over-triage: blood seen after a car accident two months before).
    from conftest import shared_path

    rows = _jsonl(shared_path("data", "medquad", "liveqa_dev_questions.jsonl"))
    messages = [f"{r.get('subject') or ''}. {r.get('message') or ''}" for r in rows]
    results = [triage(m) for m in messages]
    assert sum(r.level is E for r in results) <= 4
    assert sum(r.level is N for r in results) >= 40
    for message, result in zip(messages, results, strict=True):
        assert all(message[f.start:f.end] == f.quote for f in result.reasons)


@pytest.mark.slow
def test_medquad_questions_are_almost_never_emergencies():
    # 44,603 distinct MedQuAD questions, all information questions; the emergencies left come
    # from the template "Do I need to see a doctor for <emergency topic>?".
    from conftest import shared_path

    questions = {r["question"] for r in _jsonl(shared_path("data", "medquad", "corpus.jsonl"))}
    emergencies = sum(triage(q).level is E for q in questions)
    assert emergencies / len(questions) <= 0.001


def test_general_red_flags_by_level():
    from medcite.triage import general_red_flags

    emergency = general_red_flags("emergency")
    assert "signs of a stroke" in emergency and "chest pain" not in emergency
    assert "chest pain" in general_red_flags(TriageLevel.URGENT)
    assert len(emergency) == len(set(emergency))


def test_docstring_examples_run():
    import doctest

    import medcite.triage

    assert doctest.testmod(medcite.triage).failed == 0


@pytest.mark.parametrize("message, level", [
    ("I cant breathe through my nose with this cold", S),
    ("I suddenly can't see out of my left eye", E),
    ("my left hand went numb and I can't grip anything", U),
    ("please help, my son is vomiting and burning up", U),
    ("help me understand my cholesterol results", N),
])
def test_safety_net_for_unlisted_wordings(message, level):
    assert triage(message).level is level


# Rules v4.4: red flags the blind9/blind10 parts showed missing, in our own test wordings.
@pytest.mark.parametrize("message, level, quote", [
    ("my brother vomit blood this morning, dark like coffee, now very weak", E, "vomit blood"),
    ("she brought up something like coffee granules and feels faint", E, "brought up something like coffee"),
    ("inhaler taken six times over the past hour and still not helping, wheezy", E, None),
    ("I can only say a few words between breaths", E, "only say a few words"),
    ("grandad is on apixaban and slipped on the ice, now he is very drowsy", E, None),
    ("my daughter got into the vitamin gummies and ate loads, she is 3 years old", E, None),
    ("numb around my bottom since this morning and my back is killing me", E, None),
    ("post-op day 4: BP 84/50, HR 130, temp 39.2", E, None),
    ("type 1, ketones 4.2 on the meter and my breath smells sweet", E, None),
    ("my heart skips a beat now and then, for the last month or so", R, None),
    ("bloody diarrhoea since last night with a temperature", U, None),
    ("toothache all night, painkillers are not touching it", U, None),
])
def test_rules_v44_red_flags(message, level, quote):
    result = triage(message)
    assert result.level is level, (message, result.reasons)
    if quote:
        assert any(quote in r.quote for r in result.reasons), result.reasons


@pytest.mark.parametrize("message", [
    "I had a numb bum after a long bike ride yesterday, all fine today",  # settled, past
    "what blood pressure counts as low? mine was 85/60 at the pharmacy, I feel fine",
    "is it safe for kids to take vitamin gummies every day?",
    "last month I slipped on the stairs; I take warfarin, any tips to prevent falls?",
])
def test_rules_v44_look_alikes_are_not_emergencies(message):
    assert triage(message).level is not E, triage(message).reasons


# Rules v4.5: red flags blind13 (and the misses of blind11/blind12) showed missing, in our own
# test wordings; then the look-alikes each new pattern could wrongly catch.
@pytest.mark.parametrize("message, level, quote", [
    ("came down the loft ladder the hard way, landed on my back and now both legs are tingly",
     E, None),
    ("my daughter fell off the trampoline this afternoon and now she keeps dozing off", E, None),
    ("dad is 79 with a chest infection, today he is breathing fast and confused", E, None),
    ("nan has pneumonia and hasn't passed any urine since breakfast, and she's shivering",
     E, None),
    ("I'm on chemo, temperature 38.3 and shaking with rigors, feel lightheaded", E, None),
    ("I'm on chemo and my temperature is 38.1, otherwise feel ok", U, None),
    ("I have Addison's and have been vomiting since midnight", E, "Addison's"),
    ("heart failure patient coughing up pink frothy spit tonight", E, None),
    ("skipped my dialysis on Friday and now my heart keeps fluttering", E, None),
    ("two days after a long-haul flight I am suddenly short of breath", E, None),
    ("my son went under at the pool for a bit and now he is coughing and tired", E, None),
    ("he says it's like someone is sitting on his chest and he's grey and sweaty", E, None),
    ("my left arm went numb about 20 minutes ago and it won't grip my cup", E, None),
    ("sore back for days and now I can't feel the toilet paper when I wipe", E, None),
    ("the whole family has headaches and we feel better as soon as we go outside", E, None),
    ("noticed a lump in my armpit a week ago and it still hasn't gone away", R, None),
    ("the last three weeks my voice has been croaky", R, None),
])
def test_rules_v45_red_flags(message, level, quote):
    result = triage(message)
    assert result.level is level, (message, result.reasons)
    if quote:
        assert any(quote in r.quote for r in result.reasons), result.reasons


@pytest.mark.parametrize("message", [
    "I fell asleep on the sofa and I still feel sleepy",
    "I have a slipped disc and my feet are tingly",
    "had a filling an hour ago and my lip went numb, when will it wear off?",
    "the leaflet says this tablet can cause chest pain and fainting; I feel fine",
    "my seizures are much better since the new tablets, can I drive again?",
    "I have Addison's disease, what foods are good for me?",
    "my voice sounds funny since my cold",
    "he is not breathing fast and his colour is fine, just a runny nose",
    "had the runs twice today, no blood, drinking fine",
    "we flew long haul last month, how do I stop jet lag next time?",
])
def test_rules_v45_look_alikes_are_not_emergencies(message):
    assert triage(message).level is not E, triage(message).reasons


def test_a_local_sting_is_not_an_infection_but_spreading_redness_is():
    assert triage("stung by a wasp an hour ago, the spot is red, hot and swollen, "
                  "breathing fine").level is TriageLevel.SELF_CARE
    assert triage("the redness from a mosquito bite is spreading up my leg").level is U


# Rules v4.6, from blind14's misses (scored once with v4.5), in our own wordings.
@pytest.mark.parametrize("message", [
    "black tarry poos since this morning and I nearly passed out in the bathroom",
    "my wife takes lithium, she's had diarrhoea for days and now she's stumbling and muddled",
    "my eye is really painful and I can see rainbow halos round the street lights",
])
def test_rules_v46_red_flags(message):
    assert triage(message).level is E, triage(message).reasons


@pytest.mark.parametrize("message", [
    "is it safe to take ibuprofen with lithium?",
    "what should I do if my baby ever swallows a magnet?",
    "I see halos round lights at night since my cataract operation",
    "I nearly fainted when I saw the needle at my blood test, fine now",
])
def test_rules_v46_look_alikes_are_not_emergencies(message):
    assert triage(message).level is not E, triage(message).reasons


# Rules v4.7, from blind15's misses (scored once with v4.6), in our own wordings.
@pytest.mark.parametrize("message, level", [
    ("since lunchtime my right foot has gone cold and pale and it is agony", E),
    ("myeloma that has spread to the spine, and today both legs feel like jelly", E),
    ("legs went weak and numb this morning and I can't pass water", E),
    ("on fluoxetine and took some tramadol; now my legs keep jerking and I'm sweating buckets", E),
    ("renal unit phoned, my potassium is 6.8 and they want me in", E),
    ("skipped Monday's dialysis session and my chest feels fluttery", E),
    ("my dad, 74, has not been able to pass urine since last night and his belly hurts", U),
    ("needing my reliever inhaler every two hours since yesterday", U),
    ("been sick all night, can't keep even water down, wee is dark and not much of it", U),
])
def test_rules_v47_red_flags(message, level):
    assert triage(message).level is level, triage(message).reasons


@pytest.mark.parametrize("message", [
    "my fingers go white and numb in the cold, then turn red again",
    "my feet are always cold, is that poor circulation?",
    "I take sertraline, can I have a glass of wine?",
    "what should I say if a pupil tells me they want to die?",
    "potassium came back at 4.1, is that normal?",
    "my legs feel heavy after a long day standing at work",
])
def test_rules_v47_look_alikes_are_not_emergencies(message):
    assert triage(message).level is not E, triage(message).reasons


# Rules v4.8, from blind16's misses (scored once with v4.7), in our own wordings.
@pytest.mark.parametrize("message, level", [
    ("off work with low mood; some nights I think it'd be simpler if I didn't wake up", E),
    ("can you renew my inhalers. not that anyone cares, my family would be better off without me", E),
    ("third round of chemo last week, tonight I'm shivering and the thermometer reads 38.3", E),
    ("all of us have had headaches for days and we feel fine once we go out; the old boiler "
     "is on and now my son is very drowsy", E),
    ("our 10 month old has bouts of screaming, pulls his knees up, and there is red jelly in "
     "his nappy", E),
    ("my 15 year old's left testicle is killing him since he woke up, he's been sick", E),
    ("my partner had our baby 5 days ago and now she thinks the radio is sending her messages", E),
    ("my wisdom tooth is throbbing, my jaw is swollen and I have a temperature", U),
])
def test_rules_v48_red_flags(message, level):
    assert triage(message).level is level, triage(message).reasons


@pytest.mark.parametrize("message", [
    "I'm not having any thoughts of harming myself or ending my life, just tired",
    "the GP asked whether I'd had thoughts of suicide. I told her no, I'm okay",
    "we've had a carbon monoxide alarm installed, what do we do if it ever beeps?",
    "my baby pulls her legs up and cries in the evenings but feeds well and is happy in the day",
    "my toothache went away after the filling",
    "what are the signs of psychosis after having a baby?",
])
def test_rules_v48_look_alikes_are_not_emergencies(message):
    assert triage(message).level is not E, triage(message).reasons


def test_a_confirmed_reported_question_stands():
    message = "the nurse asked if I'd had thoughts of ending my life and I said yes"
    assert triage(message).level is E


# Rules v4.8, from the sweep5 probes (can't-miss emergencies in lay words), in our own wordings.
@pytest.mark.parametrize("message", [
    "my husband says it felt like something ripped in his chest and the pain goes through to his back",
    "since tea time gran's words come out all muddled and she keeps using the wrong word",
    "the worst pain I've ever had hit the back of my head out of nowhere, now my neck is stiff",
    "my bottom has gone numb and I couldn't tell when I needed a wee, my back has been sore",
    "after a tummy bug my legs went weak, I can't get up the stairs and it's creeping upwards",
    "ate cashews at a party, came out in hives and my throat feels like it's closing",
    "my 4 year old is drooling, can't swallow his own spit and has a high fever",
    "no poo and not even passing wind for two days, tummy is swollen and I keep vomiting",
    "brought up a cupful of fresh blood and I feel faint",
    "34 weeks pregnant, pain just under my ribs on the right and my vision has gone sparkly",
    "her waters broke and we can see a loop of cord coming out",
    "our 3 week old has been sick twice and it is dark green",
    "baby is 7 weeks, 38 degrees and his skin looks mottled",
    "my 16 year old has been weeing loads and drinking like mad, today she can't stop vomiting",
    "my flatmate swallowed most of a box of paracetamol this morning but says she feels fine",
    "my 5 year old swallowed three magnetic balls from a desk toy",
    "a scratch on his leg yesterday, now the skin is going purple and the pain is far worse than the cut looks",
    "period, tampon in since yesterday, fever, vomiting and a rash like sunburn",
    "erection that won't go down for five hours now",
    "I have sickle cell and chest pain with a temperature of 38.4",
    "his finger oxygen thing says 89",
    "cast put on yesterday, now her toes are blue and she can't wiggle them",
    "touched a live wire at work and now his heart feels like it's racing",
    "bitten on the ankle by an adder on the moor",
    "on olanzapine, he has gone stiff as a board with a temp of 39.8",
    "missed his kidney machine session yesterday and he is breathless",
    "stopped drinking cold turkey three days ago, now he's seeing bugs on the walls and shaking",
    "my 14 year old doubled over with sudden pain low on her right side and is vomiting",
    "my friend says it would be easier for everyone if she wasn't around any more",
    "he told me he can't see the point in being alive",
    "on clozapine, sore throat and a fever since this morning, shivering",
])
def test_rules_v48_sweep_emergencies(message):
    assert triage(message).level is E, triage(message).reasons


@pytest.mark.parametrize("message", [
    "my 9 month old is teething and drooling everywhere, temperature normal",
    "a magazine article said women feel heart attacks as jaw ache, is that right?",
    "my smile has always been a bit crooked, ever since I was a child",
    "the squad would be better off without me at the match, I've got flu",
    "small painless lump on my testicle for three weeks",
    "my wrist cast is itchy but my fingers are pink and move fine",
    "my dad is 81, muddled since yesterday and weeing a lot",
])
def test_rules_v48_sweep_look_alikes_are_not_emergencies(message):
    assert triage(message).level is not E, triage(message).reasons


# Rules v4.9, from blind17's misses (scored once with v4.8), in our own wordings.
@pytest.mark.parametrize("message", [
    "heartburn since lunch, now it has gone into my left arm and I'm clammy and sweating",
    "the three of us get headaches only at home, it eases off at work, the old boiler is on "
    "and this morning my daughter fainted",
    "my son has given away his games console and sent his mates texts saying thanks for everything",
    "I lie awake most nights wishing I just wouldn't wake up",
    "the voice came back tonight and it keeps telling me to hurt myself",
    "been saving up my amitriptyline and I think soon I'll have enough that I won't have to "
    "feel like this anymore",
])
def test_rules_v49_red_flags(message):
    assert triage(message).level is E, triage(message).reasons


@pytest.mark.parametrize("message, level", [
    ("woke up and I can hardly hear out of my right ear, it went overnight", U),
    ("my mole has got darker and the edge looks ragged compared to a photo from last year", R),
    ("where can I book a first aid class that covers choking and CPR?", N),
    ("we're making a leaflet on where students can get help if they think about suicide", N),
    ("I hope I don't die of boredom in this meeting", N),
    ("I gave away my old clothes to the charity shop, thanks for everything you do", N),
])
def test_rules_v49_look_alikes(message, level):
    assert triage(message).level is level, triage(message).reasons


# Rules v4.10, from blind18's misses (scored once with v4.9), in our own wordings.
@pytest.mark.parametrize("message", [
    "at the end of the visit she told me calmly she plans to end her life this weekend",
    "my brother keeps saying he wants to kill himself",
    "found my daughter's search history: how many tablets it takes to die",
    "he said we won't have to worry about him much longer",
    "on his desk there were cards for his dad and sister, marked 'open after'",
    "a headache hit like someone clubbed the back of my skull, an hour ago",
    "I was sick and it was full of blood, I feel dizzy",
])
def test_rules_v410_red_flags(message):
    assert triage(message).level is E, triage(message).reasons


@pytest.mark.parametrize("message, level", [
    ("the hero of the film ends his life in the last scene, is that realistic for depression?", N),
    ("my mole has got bigger and one edge is blurry", R),
    ("I don't worry about him any more since he moved to a care home", N),
])
def test_rules_v410_look_alikes(message, level):
    assert triage(message).level is level, triage(message).reasons


# Rules v4.11 (from blind19's misses, scored once with v4.10) and v4.12 (from blind20's, scored
# once with v4.11), in our own wordings.
@pytest.mark.parametrize("message", [
    "for two days I've been taking co-codamol and paracetamol together for my back",
    "she showed me where her life insurance papers are and said we'd be better off",
    "wrote my will yesterday and cleaned the shotgun, I feel at peace for the first time in ages",
    "cutting again, went deeper than I meant on my arm and it keeps bleeding",
    "soaked through four towels and the cut on his leg is still going",
    "my daughter is 3 and a coin battery from the scales is missing, I think she swallowed it",
    "type 1, vomiting all day and my breathing is really deep, meter reads HI",
    "he cant finish a sentence and his inhaler isnt doing anything",
    "her lips look greyish and she is struggling",
    "I couldn't get my breath at all ten minutes ago and still can't",
    "back pain, and I can't feel it when I wipe",
    "I am not want to be alive anymore",
    "he doesn't want to live anymore",
    "he said 'I want to kill myself' and walked out",
    "got a rope already in my room, when everyone is asleep I will finish it",
    "she has been saving her pills, how many would it take to just not wake up",
    "my son gave me his guitar and asked me to keep his cat for good, now his phone is off and "
    "he texted thanks for everything",
    "when I lift the pad it spurts out in pulses",
    "stung by a bee and now his face is puffing up and his voice sounds croaky",
    "my baby rolled off the changing table and has been sick twice and is very drowsy",
    "his speech is a bit slurred since this morning",
    "she keeps dropping things from her left hand and her words are jumbled",
    "we all get headaches and feel sick since we turned the heating on, fine when we're out",
    "he sorted everything out with the solicitor and asked where the key to the gun cabinet is",
    "the handlebar went into my belly an hour ago and now I feel dizzy and my heart is racing",
    "34 weeks pregnant, paracetamol hasn't touched this headache and I see flashing lights",
])
def test_rules_v411_v412_red_flags(message):
    assert triage(message).level is E, triage(message).reasons


@pytest.mark.parametrize("message, level", [
    ("I'm on warfarin and the clinic says my INR is 6.2", U),
    ("was drilling a wall and a chip of something flew into my eye, it's watering", U),
    ("my knee is hot and swollen since last night and I feel feverish", U),
    ("my son fell off his scooter, his wrist is a funny shape", U),
    ("34 weeks and she's been much quieter than usual today", U),
])
def test_rules_v411_same_day(message, level):
    assert triage(message).level is level, triage(message).reasons


@pytest.mark.parametrize("message, level", [
    ("I'm taking co-codamol, can I also take paracetamol?", N),
    ("my car key battery is gone, which one do I buy", N),
    ("tonight feels like the right night to propose!", N),
    ("we sorted out our wills and life insurance after the baby, we're better off now", N),
    ("my voice has gone deeper than usual after a cold", S),
    ("I don't want to live with this acne, what are my options?", N),
    ("my face is puffy in the mornings", S),
    ("hit my head on a cupboard, havent been sick, didnt pass out, small bump", U),
    ("the bleeding hasn't stopped and it's pouring out of the cut", E),
])
def test_rules_v411_v412_look_alikes(message, level):
    assert triage(message).level is level, triage(message).reasons


# Rules v4.13 (from blind21's and blind22's misses, after each was scored once): clinical
# shorthand for a blocked limb artery, a cast with pale toes that barely move, a headache
# painkillers do not touch with sparkly lights and a puffy face in late pregnancy, a fracture
# described at length, a fragment in the right or left eye, bites "by" an animal, a bite that
# is now puffy, red and warm, and ", now ..." ending a past clause.
@pytest.mark.parametrize("message, level", [
    ("82F, sudden severe L arm pain 30 min, hand cold and pale, no radial pulse", E),
    ("her wrist went in plaster yesterday and tonight her fingers have gone pale and she can "
     "barely move them", E),
    ("I'm 36 weeks, my face looks swollen this morning and I have a headache that tylenol isn't "
     "helping", E),
    ("my son fell off the climbing frame and his arm is sore and swollen and looks a bit of a "
     "funny shape", U),
    ("our dog bit my daughter's hand this morning and broke the skin", U),
    ("got bitten by a stray cat on holiday, the bite is now swollen, red and hot", U),
    ("had a blister on my heel from hiking 5 days ago, now the area is red and the redness has "
     "spread", U),
    ("was hammering a nail and a bit of metal shot into my left eye", U),
])
def test_rules_v413(message, level):
    assert triage(message, Settings(triage_detector=False)).level is level, triage(message).reasons


@pytest.mark.parametrize("message, level", [
    ("I had a seizure years ago, now I'm wondering what foods have magnesium?", N),
    ("my hands go cold and pale in cold weather and turn pink again when I warm up", S),
    ("grazed my knee yesterday, it's a bit red round the edges but healing", S),
    ("my feet are always cold, is that a circulation thing?", S),
])
def test_rules_v413_look_alikes(message, level):
    assert triage(message).level is level, triage(message).reasons


# Rules v4.14 (from blind23's and blind24's misses, each scored once with the detector first): a
# heart that "pumps blood round the body" is not bleeding; a decision resting only on how long
# a symptom has lasted is not raised by pregnancy or age; a clinician's "T 38.3" is a fever;
# loin pain with a fever, itchy palms and soles in pregnancy, and diarrhoea on chemotherapy are
# same-day; "sats 86%" and "new onset SOB" are read in clinical shorthand.
@pytest.mark.parametrize("message, level", [
    ("for my homework: how does the heart pump blood around the body?", N),
    ("I'm 30 weeks pregnant and I've had indigestion every evening for weeks, what's safe?", R),
    ("68F, T 38.6, L flank pain, rigors since this am", U),
    ("I'm 33 weeks and my palms and the soles of my feet are so itchy I can't sleep", U),
    ("my husband is on chemo and has had diarrhoea six times since this morning", U),
    # and from blind24's misses, after it was scored once with v4.14 and the detector
    ("52F, new onset SOB this morning, sats 89% on air, 2 weeks post knee surgery", E),
    ("my INR at the anticoagulation clinic today came back at 7.1 but I feel fine", U),
    ("I sob every night since the breakup, is that normal?", N),
])
def test_rules_v414(message, level):
    assert triage(message, Settings(triage_detector=False)).level is level, triage(message).reasons
