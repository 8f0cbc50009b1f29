import { genericProfile } from './generic.ts';
import type { Profile } from './profile.ts';
import { sparkProfile } from './spark.ts';

/** application-type (case-insensitive) → profile; anything unknown runs through the generic profile. */
const PROFILES: Record<string, Profile> = {
  spark: sparkProfile,
};

export function profileFor(applicationType: string): Profile {
  return PROFILES[applicationType.trim().toLowerCase()] ?? genericProfile;
}
