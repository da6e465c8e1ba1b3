/**
 * A lexicon of WORDS, not of songs or artists: sixteen moods, the words that say each feeling, the genre and
 * texture words of music that carries it, and the everyday situations people name when they want it. The
 * local embedder learns from it how any word leans (see `mood-space.ts`), so a title word the lexicon never
 * lists ("Misty", "Bloody") or an artist GloVe knows ("Metallica", "Coltrane") still lands near the right
 * moods. Written from general knowledge of music and emotion; nothing here names a song or an artist, so it
 * applies to any catalog.
 */
export interface Mood {
  readonly name: string;
  /** Words that say the feeling. They teach the word classifier and count as direct evidence anywhere. */
  readonly feel: string;
  /**
   * Genre and texture words of music that carries the feeling. They teach the word classifier (so an artist
   * GloVe places near "thrash" leans angry) and count as direct evidence in a mood request.
   */
  readonly sound: string;
  /**
   * Situations that call for the mood ("coffee", "gym", "traffic"). Direct evidence in a mood request
   * only: in a song title the same word is usually just a word ("Traffic", "Sunday Morning").
   */
  readonly cues: string;
}

export const MOODS: readonly Mood[] = [
  {
    name: 'joyful',
    feel: 'happy joyful cheerful joy smile sunshine glad delight',
    sound: 'pop upbeat sunny catchy bubblegum',
    cues: 'summer picnic vacation holiday beach morning carefree singalong smiling friends brunch',
  },
  {
    name: 'party',
    feel: 'party dance dancing celebrate club fun groove',
    sound: 'disco funk dance house edm boogie',
    cues: 'friday saturday weekend nightclub birthday pregame drinks bar celebrating dancefloor kitchen bangers',
  },
  {
    name: 'romantic',
    feel: 'love romantic romance kiss darling sweetheart tender',
    sound: 'soul crooner ballad rnb doo-wop',
    cues: 'date candlelit dinner wedding honeymoon valentine anniversary cuddle crush flirting',
  },
  {
    name: 'calm',
    feel: 'calm peaceful relax relaxing serene quiet gentle soothing',
    sound: 'ambient acoustic lounge bossa instrumental piano',
    cues: 'sleep bedtime nap meditation yoga spa bath reading studying study focus background lake campfire',
  },
  {
    name: 'laid-back',
    feel: 'chill smooth mellow laid-back easy lazy cozy',
    sound: 'jazz soul reggae lo-fi downtempo',
    cues: 'sunday coffee tea hammock porch afternoon cocktail unwinding',
  },
  {
    name: 'dreamy',
    feel: 'dreamy dream floating stars moonlight wonder',
    sound: 'ambient ethereal synth shoegaze orchestral',
    cues: 'sunset stargazing twilight clouds daydreaming',
  },
  {
    name: 'hopeful',
    feel: 'hopeful hope uplifting inspiring freedom believe',
    sound: 'gospel anthem folk',
    cues: 'sunrise graduation recovery comeback',
  },
  {
    name: 'nostalgic',
    feel: 'nostalgic nostalgia memories remember yesterday bittersweet',
    sound: 'oldies folk soft-rock',
    cues: 'childhood hometown reunion throwback yearbook',
  },
  {
    name: 'sad',
    feel: 'sad sadness sorrow tears crying cry grief mourning',
    sound: 'ballad blues slow piano acoustic',
    cues: 'funeral grieving loss sick hospital',
  },
  {
    name: 'lonely',
    feel: 'lonely alone loneliness empty missing lost',
    sound: 'ballad acoustic folk singer-songwriter',
    cues: '3am insomnia',
  },
  {
    name: 'heartbroken',
    feel: 'heartbreak heartbroken breakup goodbye broken hurt',
    sound: 'ballad blues country torch',
    cues: 'ex divorce cheated dumped',
  },
  {
    name: 'melancholy',
    feel: 'melancholy melancholic gloomy grey rainy numb',
    sound: 'shoegaze slowcore indie dirge',
    cues: 'gray autumn hopeless foggy',
  },
  {
    name: 'angry',
    feel: 'angry anger rage furious fury hate scream mad',
    sound: 'metal thrash hardcore punk heavy',
    cues: 'traffic smash pissed revenge enemies boss screaming punching break',
  },
  {
    name: 'rebellious',
    feel: 'rebel rebellious riot protest revolution fight defiant',
    sound: 'punk rap hardcore rock',
    cues: 'system government authority strike march',
  },
  {
    name: 'dark',
    feel: 'dark darkness death evil sinister doom',
    sound: 'metal gothic industrial doom grunge',
    cues: 'graveyard horror halloween nightmare',
  },
  {
    name: 'energetic',
    feel: 'energy energetic power pump workout adrenaline loud',
    sound: 'rock hip-hop edm heavy',
    cues: 'gym running lifting training mosh hype',
  },
];
