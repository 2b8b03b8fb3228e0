import type { Codebook } from '../../model/codebook';

/**
 * Starter codebook for studies of how public-service networks are orchestrated: three stages of
 * network formation (after the musical metaphor of composer, orchestra and performance), the four
 * orchestration tasks, and the three forms of institutional work with their common sub-codes.
 *
 * Ids are stable: annotations refer to them, so rename a code by changing its name, never its id.
 * Colours are mid-lightness hues chosen to stay distinct from one another and legible as a
 * translucent highlight on both light and dark editor themes.
 */
export const networkOrchestrationTemplate: Codebook = {
  version: 1,
  name: 'Network orchestration and institutional work',
  description:
    'A starter codebook for studying how public-service networks are orchestrated. Three stages of ' +
    'network formation, each a musical metaphor, frame the analysis; across them, code the ' +
    'orchestration tasks a hub performs (Dhanaraj and Parkhe, 2006) and the institutional work ' +
    'through which actors create, maintain and disrupt the rules of the network (Lawrence and ' +
    'Suddaby, 2006). Adapt definitions to your study and record changes in your memos.',
  stages: [
    {
      id: 'leadership',
      name: 'Leadership and governance',
      description:
        'The composer and the conductor: who writes the score for the network and who keeps time. ' +
        'Covers the network board, designation, accountability, commissioning and the authority, ' +
        'formal or informal, by which the network is steered.',
      colour: '#4f46e5',
    },
    {
      id: 'membership',
      name: 'Membership and roles',
      description:
        'The musicians and the structure of the orchestra: which organisations and professions ' +
        'take part, which part each plays, and where the boundaries of the network and of each ' +
        'role are drawn.',
      colour: '#14b8a6',
    },
    {
      id: 'relationships',
      name: 'Relationships and processes',
      description:
        'The performance: how members actually play together day to day, through referrals, ' +
        'transfers, protocols, meetings, informal contact and the trust or friction between them.',
      colour: '#0f766e',
    },
  ],
  codes: [
    // Orchestration tasks
    {
      id: 'orchestration-tasks',
      name: 'Orchestration tasks',
      definition:
        'Purposeful actions by which a hub organisation or network lead assembles, steers and draws ' +
        'value from a network of formally independent members without relying on hierarchical ' +
        'authority (Dhanaraj and Parkhe, 2006).',
      whenToUse:
        'Use for a passage about orchestrating the network in general when none of the four task ' +
        'codes fits; otherwise prefer the more specific child code.',
      whenNotToUse:
        'Do not use for routine clinical work inside one organisation, or for change in rules and ' +
        'beliefs, which belongs under institutional work.',
      example: '"My job is to make fourteen hospitals behave like one system when none of them reports to me."',
      colour: '#475569',
    },
    {
      id: 'brokering-relations',
      name: 'Brokering relations',
      definition:
        'Acting as an intermediary who connects network members that would otherwise be weakly ' +
        'linked, moving information, knowledge or resources across the gap between them. It supports ' +
        'what Dhanaraj and Parkhe (2006) call knowledge mobility.',
      whenToUse:
        'Use when someone introduces, connects, translates between or passes knowledge from one ' +
        'member to another, such as a hub clinician linking a spoke team with a specialist or ' +
        'relaying lessons from one site to another.',
      whenNotToUse:
        'Do not use for direct two-party contact with no go-between, or for the scheduling of ' +
        'handoffs, which is coordinating activities.',
      example: '"I rang the orthopaedic lead at Kelderby and said, look, talk to Sam, she has already solved this."',
      colour: '#06b6d4',
      parent: 'orchestration-tasks',
      stage: 'relationships',
    },
    {
      id: 'coordinating-activities',
      name: 'Coordinating activities',
      definition:
        'Aligning the timing, sequence and handoffs of work done by different organisations so that ' +
        'patients and information move through the network as one pathway. It covers protocols, ' +
        'referral and transfer arrangements and the routines that make interdependent work predictable.',
      whenToUse:
        'Use for transfers, repatriation, bypass and triage protocols, shared rotas, escalation ' +
        'routes and any arrangement that sequences work across sites.',
      whenNotToUse:
        'Do not use for deciding who is a member or what a member is for, which is shaping ' +
        'boundaries, nor for connecting people as such, which is brokering relations.',
      example: '"If the bed is not confirmed by two o\'clock the patient goes on the evening list, and everyone knows that."',
      colour: '#22c55e',
      parent: 'orchestration-tasks',
      stage: 'relationships',
    },
    {
      id: 'shaping-boundaries',
      name: 'Shaping boundaries',
      definition:
        'Defining and adjusting who is inside the network, which role each member takes, and where ' +
        'the limits of each member\'s responsibility lie. It includes designation, entry criteria, ' +
        'catchment areas and the lines drawn by triage and bypass rules.',
      whenToUse:
        'Use when actors argue about or decide membership, designation levels, the scope of a ' +
        'trauma unit, or which patients belong to which site.',
      whenNotToUse:
        'Do not use for the day-to-day running of a boundary that is already settled, which is ' +
        'coordinating activities.',
      example: '"Once you are a trauma unit you cannot quietly stop taking head injuries just because your neurosurgeon left."',
      colour: '#ca8a04',
      parent: 'orchestration-tasks',
      stage: 'membership',
    },
    {
      id: 'forging-shared-values',
      name: 'Forging shared values',
      definition:
        'Building a common purpose, identity and sense of fairness among members so that they see ' +
        'themselves as one network rather than as competing organisations. It underpins what ' +
        'Dhanaraj and Parkhe (2006) call network stability.',
      whenToUse:
        'Use for appeals to the patient, to a shared mission or to fairness between sites, and for ' +
        'rituals, stories and events that build a collective identity.',
      whenNotToUse:
        'Do not use when the aim is to make a particular new rule feel legitimate, which is aligning ' +
        'normative assumptions, or for mere politeness with no appeal to common purpose.',
      example: '"At the end of the day it is the same patient, whether she is in our resus or theirs."',
      colour: '#f97316',
      parent: 'orchestration-tasks',
      stage: 'relationships',
    },

    // Institutional work
    {
      id: 'institutional-work',
      name: 'Institutional work',
      definition:
        'The purposive action of individuals and organisations aimed at creating, maintaining or ' +
        'disrupting institutions, that is the rules, norms and taken-for-granted beliefs that govern ' +
        'a field (Lawrence and Suddaby, 2006).',
      whenToUse:
        'Use for work on the rules, norms or beliefs of the network when none of the child codes ' +
        'fits; otherwise prefer the more specific child code.',
      whenNotToUse:
        'Do not use for actions that simply follow existing rules without working on them, nor for ' +
        'the orchestration tasks themselves.',
      example: '"We had to change what people thought a good trauma service looked like before we could change anything else."',
      colour: '#4d7c0f',
    },
    {
      id: 'creating-institutions',
      name: 'Creating institutions',
      definition:
        'Work that establishes new rules, roles, standards or shared beliefs, for instance through ' +
        'advocacy, defining, theorising, educating or constructing normative networks (Lawrence and ' +
        'Suddaby, 2006).',
      whenToUse:
        'Use when actors set up new structures, standards, roles or ways of thinking, such as ' +
        'writing the first network protocol or creating the trauma nurse coordinator role.',
      whenNotToUse:
        'Do not use for defending or reproducing arrangements that already exist, which is ' +
        'maintaining institutions.',
      example: '"There was no such thing as a network governance document, so three of us wrote one over a summer."',
      colour: '#15803d',
      parent: 'institutional-work',
    },
    {
      id: 'maintaining-institutions',
      name: 'Maintaining institutions',
      definition:
        'Work that supports, repairs or reproduces existing institutions so that they keep shaping ' +
        'behaviour, for instance through policing, deterring, embedding routines or valorising ' +
        'exemplary practice (Lawrence and Suddaby, 2006).',
      whenToUse:
        'Use for audit, peer review, reminders of standards, induction into established routines, ' +
        'and the repair of arrangements that have started to slip.',
      whenNotToUse:
        'Do not use for introducing something new, which is creating institutions, or for ' +
        'unreflective compliance with no effort to sustain the rule.',
      example: '"Every quarter we put the transfer times up on the screen, site by site, so nobody forgets they are being watched."',
      colour: '#0369a1',
      parent: 'institutional-work',
    },
    {
      id: 'disrupting-institutions',
      name: 'Disrupting institutions',
      definition:
        'Work that weakens existing institutions by disconnecting sanctions from practices, ' +
        'dissociating practices from their moral foundations or undermining taken-for-granted ' +
        'assumptions and beliefs (Lawrence and Suddaby, 2006).',
      whenToUse:
        'Use when actors challenge, work around, delegitimise or quietly stop following the rules ' +
        'and beliefs of the network or of the older arrangement it replaced.',
      whenNotToUse:
        'Do not use for open disagreement that leaves the rule intact and accepted, or for a single ' +
        'lapse that nobody defends.',
      example: '"The old idea that every district hospital should do a bit of everything had to die, frankly."',
      colour: '#dc2626',
      parent: 'institutional-work',
    },
    {
      id: 'strategic-use-of-evidence',
      name: 'Strategic use of evidence',
      definition:
        'Deploying audit data, outcome figures or research selectively and persuasively to ' +
        'legitimise a new arrangement or to win support for change. It is a form of theorising and ' +
        'advocacy in which evidence is framed so that a new institution appears necessary and rational.',
      whenToUse:
        'Use when trauma audit results, survival figures, benchmarks or published studies are ' +
        'chosen, framed or timed to persuade an audience.',
      whenNotToUse:
        'Do not use for routine reporting of figures with no persuasive aim; use maintaining ' +
        'institutions if the data serve to police an existing standard.',
      example: '"I did not show the board all forty indicators; I showed them the one slide on excess deaths."',
      colour: '#65a30d',
      parent: 'creating-institutions',
      stage: 'leadership',
    },
    {
      id: 'aligning-normative-assumptions',
      name: 'Aligning normative assumptions',
      definition:
        'Bringing members\' beliefs about what is appropriate, fair or professionally right into ' +
        'line with a new arrangement, so that the new practice comes to feel proper rather than ' +
        'merely required. It corresponds to changing normative associations and constructing ' +
        'normative networks (Lawrence and Suddaby, 2006).',
      whenToUse:
        'Use when actors reframe what good practice or professional duty means, such as persuading ' +
        'clinicians that sending a patient past their own hospital is the caring choice.',
      whenNotToUse:
        'Do not use for appeals to a general shared mission with no particular rule in view, which ' +
        'is forging shared values.',
      example: '"Bypassing your local hospital is not a snub to it; it is what a good paramedic does for that patient."',
      colour: '#b45309',
      parent: 'creating-institutions',
      stage: 'relationships',
    },
    {
      id: 'regulatory-pressure',
      name: 'Regulatory pressure',
      definition:
        'Invoking or applying the authority of commissioners, regulators, national standards, peer ' +
        'review or designation to secure compliance with the rules of the network. It corresponds ' +
        'to policing and deterring, in which inspection and the threat of sanction hold members to ' +
        'established arrangements.',
      whenToUse:
        'Use for references to commissioning levers, service specifications, peer review visits, ' +
        'regulators and the threat of losing designation or funding.',
      whenNotToUse:
        'Do not use for persuasion by data or by values with no sanction behind it; where ' +
        'regulation is used to bring a new rule into being, also apply creating institutions.',
      example: '"The commissioners made it very clear that if the unit failed peer review again, designation was on the table."',
      colour: '#78716c',
      parent: 'maintaining-institutions',
      stage: 'leadership',
    },
    {
      id: 'divergent-understandings',
      name: 'Divergent understandings',
      definition:
        'Members holding or acting on conflicting understandings of what the service, or a member\'s ' +
        'role within it, is for, which unsettles the taken-for-granted assumptions the network ' +
        'depends on. Code the divergence itself, whether or not anyone intends it to disrupt.',
      whenToUse:
        'Use when sites, professions or managers describe the purpose of a trauma unit, the hub or ' +
        'the network in incompatible terms, or act on such a view.',
      whenNotToUse:
        'Do not use for disagreement about detail within a shared understanding, or for a ' +
        'deliberate campaign against a rule, which is disrupting institutions itself.',
      example: '"To them we are a waiting room for the big centre; to us we are a hospital that looks after our own town."',
      colour: '#f87171',
      parent: 'disrupting-institutions',
      stage: 'membership',
    },
    {
      id: 'relational-leadership',
      name: 'Relational and network leadership',
      definition:
        'Leadership exercised through relationships, influence and negotiation across organisational ' +
        'boundaries rather than through line authority, often shared among clinicians and managers ' +
        'at several sites. It is the means by which institutional work gets done when no single ' +
        'actor can command the others.',
      whenToUse:
        'Use for accounts of leading without authority: building credibility, calling in favours, ' +
        'working through clinical champions, or distributing leadership across sites.',
      whenNotToUse:
        'Do not use for leadership by instruction within one organisation, or for formal ' +
        'governance structures described without how people lead through them.',
      example: '"I have no power over their chief executives at all; what I have is twenty years of people taking my calls."',
      colour: '#c026d3',
      parent: 'institutional-work',
      stage: 'leadership',
    },
  ],
};
