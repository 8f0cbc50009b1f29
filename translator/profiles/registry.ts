import { flinkProfile } from './flink.ts';
import { genericProfile } from './generic.ts';
import { mapreduceProfile } from './mapreduce.ts';
import type { Profile } from './profile.ts';
import { sparkProfile } from './spark.ts';

/** application-type (case-insensitive) → profile; anything unknown runs through the generic profile. */
const PROFILES: Record<string, Profile> = {
  spark: sparkProfile,
  'apache flink': flinkProfile,
  flink: flinkProfile,
  mapreduce: mapreduceProfile,
};

export function profileFor(applicationType: string): Profile {
  return PROFILES[applicationType.trim().toLowerCase()] ?? genericProfile;
}
