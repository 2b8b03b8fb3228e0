// (Re)creates the coding of the sample workspace (sample/) with the qda command-line tool:
// the codebook from the network orchestration template, and a good part of each of the three
// documents coded by three fictional coders, with some overlapping and nested segments, some
// segments carrying two codes, and a few memos.
//
//   node scripts/code-sample.mjs            builds dist/cli.js first (node esbuild.mjs)
//   node scripts/code-sample.mjs --no-build uses the dist/cli.js already there
//
// Writes sample/codebook.json and one *.annotations.json next to each document, replacing what
// was there, then runs "qda validate" and "qda stats". Exits non-zero if any step fails.
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const workspace = path.join(repoRoot, 'sample');
const cli = path.join(repoRoot, 'dist', 'cli.js');

// Fictional coders. Every person here is invented, like the documents.
const AO = 'Amara Okafor';
const TR = 'Tomás Reyes';
const HM = 'Helen Marsh';

/**
 * One entry per coded segment: the codes, the exact passage (it must occur once in the
 * document), the coder and an optional memo.
 * @type {Record<string, { codes: string[], quote: string, coder: string, memo?: string }[]>}
 */
const CODING = {
  'interviews/network-director.md': [
    {
      codes: ['relational-leadership'],
      quote:
        'partly because, honestly, it keeps me credible. If you are going to stand up in front of a room of surgeons from five hospitals and tell them how to run their patients, it helps if they have seen you with your hands in a chest.',
      coder: AO,
      memo: 'Clinical credibility as the basis of authority across organisations: her resus sessions are an investment in being listened to.',
    },
    {
      codes: ['orchestration-tasks'],
      quote:
        "In practice my job is to make five hospitals, an ambulance service and a rehab system behave like one network when none of them reports to me. I don't line-manage anybody outside this office. I have no budget to speak of. What I have is the data, the board, and relationships.",
      coder: AO,
      memo: 'Near-textbook statement of orchestration without hierarchy. The three resources she names (data, board, relationships) line up with evidence, regulatory pressure and relational leadership: follow each through the interview.',
    },
    {
      codes: ['forging-shared-values'],
      quote:
        'which was a deliberate choice, because if the chair came from the General it would look like the big hospital marking its own homework, and if it came from a trauma unit the others would assume favouritism.',
      coder: TR,
      memo: 'A neutral chair as a fairness device between sites. Coded for fairness rather than as governance structure; discuss whether it belongs under shaping boundaries.',
    },
    {
      codes: ['creating-institutions'],
      quote:
        'There is a governance document, which sets out what the board can and cannot decide, and I should say that document did not exist when I started. So three of us, me, the then chair and a very patient business manager, wrote one over a summer. It took eleven drafts, because every word was a negotiation.',
      coder: AO,
    },
    {
      codes: ['creating-institutions', 'regulatory-pressure'],
      quote:
        'In the end we landed on "expected", with a line saying persistent breaches would be escalated to commissioners. Which was the compromise that let everyone sign.',
      coder: AO,
    },
    {
      codes: ['regulatory-pressure'],
      quote:
        'They are the stick in the cupboard. [laughs] I try very hard not to take it out. But everybody knows it is there. Major trauma is a specialised service, there is a national service specification, and the trauma units have to meet the standards for their designation. So when a trust is sliding I can say, quite gently, look, peer review is in the autumn, the reviewers will ask about this, and I would rather we fixed it together than have it written up. That works better than any amount of me asking nicely.',
      coder: TR,
    },
    {
      codes: ['regulatory-pressure', 'shaping-boundaries'],
      quote: 'The commissioners made it very clear that if the unit failed peer review again, designation was on the table.',
      coder: HM,
    },
    {
      codes: ['strategic-use-of-evidence'],
      quote:
        'When we were making the case to go from the old model, where every district hospital did a bit of everything, to the hub and spoke model, I did not show the board all forty indicators. I showed them one slide. It was excess deaths, the unexpected deaths, in the two years before the network went live, against the national comparator. Twenty-three people, in a region this size, who on the numbers should have lived. I put that slide up, I said nothing for about ten seconds, and then I said, “those are our patients.” That did more than any of the business cases.',
      coder: AO,
      memo: 'The "one slide". She is open about selecting and staging the evidence (and, next turn, about the confidence intervals). The same figure reappears at the March board against the ICBs: see the field notes, 16:09.',
    },
    {
      codes: ['maintaining-institutions'],
      quote:
        "Every quarter we put the transfer times up on the screen, site by site, with the names of the hospitals on, not anonymised. That was a fight, the anonymisation. Two of the trusts wanted it anonymised and I said, if it's anonymised nobody will do anything, because everybody will assume the bad one is somebody else. So now everybody knows they are being watched, and the ones at the bottom of the table come to the next meeting with an action plan without me having to ask.",
      coder: TR,
    },
    {
      codes: ['divergent-understandings'],
      quote:
        'I had a consultant at Kelderby say to me, "To you we are a waiting room for the big centre; to us we are a hospital that looks after our own town." And I understood what he meant. For them, a trauma unit is a hospital with a proud local emergency department that happens to have some network obligations. For us, and for the service specification, a trauma unit is a stop on a pathway. It stabilises the patient who can\'t safely make it to the centre, it manages the moderate injuries, and it takes people back for their rehab closer to home. Those are two quite different ideas of what the place is for, and most of the friction in the network, if I\'m honest, comes from that gap.',
      coder: HM,
      memo: 'Key passage for "what is a trauma unit for?". Compare TNC Part 4 and KCL at the board (15:14).',
    },
    {
      codes: ['shaping-boundaries'],
      quote:
        'For us, and for the service specification, a trauma unit is a stop on a pathway. It stabilises the patient who can\'t safely make it to the centre, it manages the moderate injuries, and it takes people back for their rehab closer to home.',
      coder: AO,
    },
    {
      codes: ['coordinating-activities', 'shaping-boundaries'],
      quote:
        'The triage tool says, if the patient meets these criteria and you are within sixty minutes of the centre, you bypass the local hospital and come straight to us.',
      coder: TR,
    },
    {
      codes: ['aligning-normative-assumptions'],
      quote:
        "So we did a lot of work, with the ambulance service education team, on the message that bypassing your local hospital is not a snub to it; it is what a good paramedic does for that patient. And it's what the local hospital would want if they were honest. We got consultants from the trauma units to co-present at the paramedic study days, so it wasn't just the centre saying it.",
      coder: HM,
    },
    {
      codes: ['coordinating-activities'],
      quote:
        'We have an escalation ladder. Day one the trauma coordinator here rings the coordinator there. Day two it goes to the site managers. Day three it comes to me and I ring the medical director. And by then',
      coder: TR,
    },
    {
      codes: ['relational-leadership'],
      quote:
        "And by then it's not really about the protocol any more, it's about whether I have any credit left with that person.",
      coder: AO,
      memo: 'Overlaps the escalation ladder on purpose: the formal route ends where the favour economy begins.',
    },
    {
      codes: ['brokering-relations'],
      quote:
        'Half my job is knowing who has already solved a problem. So, for example, last year Kelderby were struggling with older patients with rib fractures, the frail ones who go off quickly, pneumonia, all of that. And Ashby Vale had set up a really nice rib fracture pathway, with their anaesthetists doing blocks and a frailty review within twelve hours. So I rang the orthopaedic lead at Kelderby and said, look, talk to Sam, she has already solved this. And I set up a call, and I sat on the first ten minutes and then left them to it.',
      coder: AO,
      memo: 'In the Kelderby coordinator\'s account the rib fracture pathway travelled through the coordinators\' meeting ("we nick it"). Two stories of the same brokering.',
    },
    {
      codes: ['relational-leadership'],
      quote:
        "I'd say I have no power over their chief executives at all; what I have is twenty years of people taking my calls. That's the currency. You build it slowly, you spend it carefully.",
      coder: HM,
    },
    {
      codes: ['institutional-work'],
      quote:
        'The ideas, more than the structures. The old idea that every district hospital should do a bit of everything had to die, frankly. And it hasn\'t completely. You still get surgeons who think transferring a patient out is an admission of failure, that a proper surgeon keeps their patients. We\'ve had to make it respectable, even admirable, to say, this patient is better off somewhere else.',
      coder: AO,
    },
    {
      codes: ['disrupting-institutions'],
      quote: 'The old idea that every district hospital should do a bit of everything had to die, frankly.',
      coder: AO,
    },
    {
      codes: ['forging-shared-values'],
      quote:
        'We get everyone in one room, paramedics, nurses, surgeons, physios, the air ambulance crews, and we tell stories. Patient stories mostly, with consent. A patient who was flown in, operated on here, went back to Wrenford, did his rehab at the community hospital, and then walked in and thanked all of them, all on one stage. And you could feel the room realise, at the end of the day it is the same patient, whether she is in our resus or theirs.',
      coder: TR,
    },
  ],

  'interviews/spoke-nurse.md': [
    {
      codes: ['coordinating-activities', 'brokering-relations'],
      quote:
        "So I see every trauma call, or I try to, I make sure the right teams are involved, I follow them up on the wards, I do the audit submissions, and I'm the link with the network and with the major trauma centre.",
      coder: HM,
    },
    {
      codes: ['creating-institutions', 'regulatory-pressure'],
      quote:
        'The post came in when we were designated as a trauma unit, because the standards said you had to have one. So in a funny way the network created my job.',
      coder: HM,
      memo: 'The template\'s own example of creating institutions (the coordinator role), seen by the person in the role. The standards did the creating.',
    },
    {
      codes: ['maintaining-institutions'],
      quote:
        "And if I don't, our case ascertainment drops, and then we're red on the dashboard at the board, and then I get an email.",
      coder: TR,
    },
    {
      codes: ['coordinating-activities'],
      quote:
        "So the rule is, once the centre says a patient is ready to come back to us, we're supposed to take them within forty-eight hours.",
      coder: HM,
    },
    {
      codes: ['coordinating-activities'],
      quote:
        "And then it goes up the escalation ladder, day two the site managers talk, day three it's the medical directors. And I'm in the middle of all that, because I'm the person who knows the patient and knows the people.",
      coder: HM,
    },
    {
      codes: ['brokering-relations'],
      quote: "because I'm the person who knows the patient and knows the people.",
      coder: AO,
    },
    {
      codes: ['divergent-understandings'],
      quote:
        "But the thing is, the forty-eight hours is the centre's number. Nobody asked us what was realistic when it was set. It was just in the document.",
      coder: AO,
      memo: 'Coded as divergence: the standard is "the centre\'s number", not a shared one. She does not act against it, so not disrupting institutions.',
    },
    {
      codes: ['divergent-understandings', 'disrupting-institutions'],
      quote:
        'Some of the older consultants took it really personally when it started. "We\'re being downgraded." "They\'re taking our trauma away." And there\'s a local thing as well, the town had a big campaign years ago to save the hospital, and the bypass got folded into that story, that the General was hoovering everything up and Kelderby would end up as a glorified cottage hospital.',
      coder: TR,
    },
    {
      codes: ['strategic-use-of-evidence'],
      quote:
        'One was the data, the network showed us our own numbers, the survival numbers from before, and it was sobering.',
      coder: AO,
    },
    {
      codes: ['aligning-normative-assumptions'],
      quote:
        'They had our consultant, Dr Adeyemi, co-teaching with the guys from the General, and he stood up in front of a room of paramedics and said, "If you bring me a patient who should have gone to the General, I\'m not going to thank you." And that landed, coming from one of ours. It wasn\'t the big hospital telling us what to do any more. It was us saying it\'s the right thing.',
      coder: AO,
      memo: 'The same study days the network director describes (Part 4). What matters here is who says it.',
    },
    {
      codes: ['divergent-understandings'],
      quote:
        "I think the network would say we're for stabilising the ones who can't make it to the General, looking after the moderate injuries, and taking people back for rehab. Which is all true. But if you ask the people who work here, they'd say we're the hospital for Kelderby. We look after our own.",
      coder: TR,
    },
    {
      codes: ['shaping-boundaries'],
      quote:
        "Some days I feel like a satellite. The big decisions get made at the General, in their meetings, on their timetable. The board meets there. The education used to be all there. Their consultants have the network job titles. When something goes wrong at the General, it's \"a system pressure\". When something goes wrong at Kelderby, it's \"a Kelderby problem\".",
      coder: HM,
      memo: 'Core and periphery: a boundary drawn informally by where decisions, titles and blame sit.',
    },
    {
      codes: ['maintaining-institutions'],
      quote:
        'So last autumn we were red on transfer times on the dashboard, two quarters running. And it was put up at the board with our name on it, in front of everybody. And part of the reason',
      coder: TR,
    },
    {
      codes: ['divergent-understandings'],
      quote:
        'And part of the reason was that the General couldn\'t accept our patients because their theatres were full. So the delay was theirs, really, but the metric counts from when our patient arrives to when they leave our building. So it showed as ours.',
      coder: HM,
    },
    {
      codes: ['relational-leadership', 'forging-shared-values'],
      quote:
        "But to be fair, the network director did come and find me afterwards and said she knew it wasn't our fault. She said it out loud at the next meeting too, that the General had been the problem that quarter.",
      coder: AO,
    },
    {
      codes: ['creating-institutions'],
      quote:
        'We set up our own meeting about three years ago, once a month, on Teams, just coordinators, no managers.',
      coder: TR,
      memo: 'A bottom-up institution, created by the coordinators rather than by the hub. Compare the network director\'s "I try to protect it".',
    },
    {
      codes: ['brokering-relations'],
      quote:
        'If Ashby Vale have a good rib fracture pathway, we nick it. [laughs] Seriously, we copied their whole frailty bit.',
      coder: AO,
    },
    {
      codes: ['brokering-relations', 'coordinating-activities'],
      quote:
        'because half the time a repat gets unstuck because I ring Priya at the General and she knows which consultant to nudge',
      coder: HM,
    },
    {
      codes: ['relational-leadership'],
      quote:
        "But the protocol doesn't find you a bed. People find you a bed. And people find you a bed for people they like and trust. So I put a lot of effort into being someone they like and trust. I always take their calls.",
      coder: AO,
    },
    {
      codes: ['regulatory-pressure'],
      quote:
        "Oh, completely. I'll say to our general manager, \"The reviewers are going to ask about this.\" Whether they definitely will, [laughs] I'm not always sure. But it works.",
      coder: TR,
    },
  ],

  'field-notes/governance-board-2025-03.md': [
    {
      codes: ['shaping-boundaries'],
      quote:
        "She put the chair's card at the head of the table and the network director's (ND) immediately to the chair's right. The cards for the General's representatives went along one side, nearest the screen; the four trauma units were spread along the other side and the far end.",
      coder: HM,
      memo: 'Seating as boundary-drawing: the hub along one side nearest the screen, the spokes along the other.',
    },
    {
      codes: ['creating-institutions'],
      quote:
        'She proposed that the board\'s decisions be "binding on member trusts, subject to each trust\'s own governance", replacing the current wording, under which member trusts are "expected to implement".',
      coder: AO,
    },
    {
      codes: ['divergent-understandings'],
      quote: 'KCL said, quietly but audibly, "binding on whom, exactly?"',
      coder: HM,
      memo: 'Challenges the reach of the board\'s authority. See "binding, my foot" in the corridor afterwards.',
    },
    {
      codes: ['relational-leadership'],
      quote:
        'GT intervened: she proposed the wording go to each trust\'s board before the next meeting, and that the network board "note" rather than "approve" it today. ND agreed immediately.',
      coder: AO,
    },
    {
      codes: ['forging-shared-values', 'relational-leadership'],
      quote:
        'ND thanked the coordinators for their work over the winter, naming each trauma unit in turn, and said that "the winter was got through because of relationships, not because of the protocol".',
      coder: TR,
    },
    {
      codes: ['strategic-use-of-evidence', 'maintaining-institutions'],
      quote:
        'AL said this slowly, and ND said, "I\'d like the minutes to record that, please." GT asked BM to minute it.',
      coder: AO,
    },
    {
      codes: ['divergent-understandings'],
      quote:
        'KCL raised his hand and said, as he had (according to the minutes) in December, that "a large part of our delay is waiting for the MTC to accept the patient, and that\'s not our delay".',
      coder: HM,
    },
    {
      codes: ['strategic-use-of-evidence'],
      quote:
        'AV-TNC said, quite firmly, that the coordinators already collected it, "on a spreadsheet, every transfer, since January".',
      coder: AO,
      memo: 'Counter-evidence from the spokes, and planned: see the lift conversation at 16:45.',
    },
    {
      codes: ['creating-institutions'],
      quote:
        'ND said, "Then let\'s see it next time." GT asked for that to be an action, owner AV-TNC and the coordinators\' group.',
      coder: TR,
    },
    {
      codes: ['coordinating-activities'],
      quote:
        'MTC-TC described the escalation ladder and said it "works when people answer the phone". She said the most effective escalation had been "coordinator to coordinator, before it ever gets to site managers".',
      coder: TR,
    },
    {
      codes: ['relational-leadership'],
      quote:
        'WTM said Wrenford had taken two patients from the General at midnight in February "without argument" and asked, half joking, whether "that goes on the dashboard too". Laughter. ND said, "It goes in my memory, which is more important."',
      coder: AO,
    },
    {
      codes: ['brokering-relations'],
      quote:
        'ND asked AMD and MTC-TC to "put something together between you" and offered the network team\'s analyst to help.',
      coder: HM,
    },
    {
      codes: ['divergent-understandings'],
      quote:
        'KCL said his trust\'s board was "very uncomfortable" taking repatriations ahead of their own emergency admissions. "Our chief exec\'s view is that we\'re Kelderby\'s hospital first and a trauma unit second." MTC-COO replied that "the whole point of the network is that there\'s no \'first\' and \'second\', it\'s one pathway". KCL: "That\'s easy to say from here."',
      coder: HM,
    },
    {
      codes: ['regulatory-pressure', 'shaping-boundaries'],
      quote:
        'COM said, reading from the paper, that commissioners "would need to consider whether Saltfleet continues to meet the requirements for trauma unit designation" if the standards on consultant-led trauma reception and orthopaedic cover were not met.',
      coder: TR,
    },
    {
      codes: ['relational-leadership'],
      quote:
        'ND spoke next. She said Saltfleet had "made real progress", that she had visited twice, and that she "would not want anyone to leave this room thinking the network wants Saltfleet out". She then said the network\'s view was that Saltfleet "should be supported to stay in", but that "the reviewers will look at the evidence, not at us".',
      coder: AO,
    },
    {
      codes: ['regulatory-pressure'],
      quote: '"the reviewers will look at the evidence, not at us"',
      coder: HM,
    },
    {
      codes: ['brokering-relations'],
      quote:
        'AV-TNC immediately offered Ashby Vale: "we went through exactly the same thing in 2019". GT welcomed this. ND said she would introduce the two clinical leads "this week".',
      coder: TR,
    },
    {
      codes: ['strategic-use-of-evidence', 'maintaining-institutions'],
      quote:
        'She said that the network "is not a place", that trauma patients "do not respect ICB boundaries", and that splitting the network\'s governance would "recreate the postcode lottery the network was set up to end". She referred to the excess deaths figure from before the network went live.',
      coder: AO,
      memo: 'The "one slide" from the interview, now used to defend the arrangement it helped create.',
    },
    {
      codes: ['orchestration-tasks'],
      quote:
        'Second, ND seldom directed. She noted, deferred, introduced, offered, thanked.',
      coder: HM,
    },
    {
      codes: ['forging-shared-values'],
      quote: '"everything on this table is about the same patient, whichever door they come through"',
      coder: TR,
    },
  ],
};

// ---------------------------------------------------------------------------------------------
const run = (args, { quiet = false } = {}) => {
  const out = execFileSync(process.execPath, [cli, ...args], { cwd: repoRoot, encoding: 'utf8' });
  if (!quiet && out.trim()) console.log(out.trimEnd());
  return out;
};

if (!process.argv.includes('--no-build')) {
  try {
    execFileSync(process.execPath, [path.join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot, stdio: 'pipe' });
  } catch (err) {
    console.error(`The build failed (node esbuild.mjs):\n${err.stderr || err.message}`);
    process.exit(1);
  }
}
if (!fs.existsSync(cli)) {
  console.error(`${cli} is missing: run "node esbuild.mjs".`);
  process.exit(1);
}

try {
  run(['init', '--template', 'network-orchestration', '--force', '--workspace', workspace]);
  for (const [doc, segments] of Object.entries(CODING)) {
    const docPath = path.join(workspace, doc);
    // "add" appends: start each document from no coding at all.
    fs.rmSync(`${docPath}.annotations.json`, { force: true });
    for (const seg of segments) {
      const args = ['add', docPath, '--workspace', workspace, '--quote', seg.quote, '--coder', seg.coder];
      for (const code of seg.codes) args.push('--code', code);
      if (seg.memo) args.push('--memo', seg.memo);
      try {
        run(args, { quiet: true });
      } catch (err) {
        console.error(`Could not code a passage of ${doc}: ${String(err.stderr || err.message).trim()}\n  quote: ${seg.quote.slice(0, 80)}…`);
        throw err;
      }
    }
    console.log(`Coded ${segments.length} segments in ${doc}.`);
  }
  run(['validate', '--workspace', workspace]);
  run(['stats', '--workspace', workspace]);
} catch {
  process.exit(1);
}
